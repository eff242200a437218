import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { at, atLeast, first } from '@netpol/core';
import { labDown, labStateDir, listLabNetns } from '@netpol/lab';
import { run } from '../run.js';
import { capturingIo, labTestSkip } from '../test-helpers.js';

/** `netpol lab ...` as a user runs it (in-process, output captured). Live parts need root. */
const skip = await labTestSkip(`chkc${process.pid % 100000}`);

const BIN = fileURLToPath(new URL('../../bin/netpol.js', import.meta.url));

const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend}
spec:
  replicas: 2
  selector: {matchLabels: {app: backend}}
  template:
    metadata: {labels: {app: backend}}
    spec: {containers: [{name: c, image: nginx, ports: [{name: http, containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec: {selector: {app: backend}, ports: [{port: 80, targetPort: http}]}
`;

const DENY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-allow-frontend}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}], ports: [{port: 80}]}]
`;

const EGRESS_EXCEPT = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: no-50}
spec:
  podSelector: {matchLabels: {app: nothing}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.50/32]}}]}]
`;

describe('netpol lab: usage errors (exit 2, no stack)', { skip }, () => {
  const rows: [string, string[], RegExp][] = [
    ['bad lab id', ['lab', 'status', '--lab', 'Bad-Id'], /lab id/],
    ['lab not up', ['lab', 'status', '--lab', 'tnotup'], /is not up/],
    ['bad probe port', ['lab', 'probe', '--lab', 'tnotup', '--port', '99999'], /1-65535/],
    ['bad probe protocol', ['lab', 'probe', '--lab', 'tnotup', '--port', '80/ICMP'], /TCP, UDP or SCTP/],
    ['run without a command', ['lab', 'run', 'x', '--lab', 'tnotup'], /missing required argument/],
    [
      'run with a bad pod name',
      ['lab', 'run', 'Bad_Name', '--lab', 'tnotup', '--', 'true'],
      /^netpol: pod name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/m,
    ],
    [
      'run with a bad namespace',
      ['lab', 'run', 'x', '-n', 'a b', '--lab', 'tnotup', '--', 'true'],
      /^netpol: -n: namespace name: Invalid value: "a b": a lowercase RFC 1123 label/m,
    ],
    ['run with a bad label', ['lab', 'run', 'x', '--labels', 'a=b c', '--lab', 'tnotup', '--', 'true'], /label value/],
    ['up without -f', ['lab', 'up', '--lab', 'tnotup'], /no input/],
    ['bad outside host', ['lab', 'up', '--lab', 'tnotup', '-f', 'x.yaml', '--outside', 'evil=8.8.8.8'], /203\.0\.113/],
  ];
  for (const [name, argv, message] of rows) {
    it(name, async () => {
      const { io, out } = capturingIo(tmpdir());
      assert.equal(await run(argv, io), 2);
      assert.match(out.stderr, message);
      assert.doesNotMatch(out.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});

describe('netpol lab: up, run, exec, apply, probe, down', { skip }, () => {
  const labId = `tcli${process.pid % 100000}`;
  let dir = '';
  const lab = async (sub: string, ...argv: string[]) => {
    const { io, out } = capturingIo(dir);
    const code = await run(['lab', sub, '--lab', labId, ...argv], io);
    return { code, ...out };
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-lab-'));
    writeFileSync(join(dir, 'app.yaml'), MANIFESTS);
    writeFileSync(join(dir, 'policy.yaml'), DENY);
    writeFileSync(join(dir, 'egress.yaml'), EGRESS_EXCEPT);
    await labDown({ labId });
  });
  after(async () => {
    await labDown({ labId });
    rmSync(dir, { recursive: true, force: true });
  });

  it('up builds the lab; a second up is refused', async () => {
    const r = await lab('up', '-f', 'app.yaml');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /3 pods/); // two replicas + the lab's coredns
    const again = await lab('up', '-f', 'app.yaml');
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already up/);
  });

  it('run: a fresh pod, DNS short names, output streamed, exit code passed through', async () => {
    const r = await lab('run', 'client', '--', 'curl', '-sS', '-m', '3', 'backend');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^backend-[01]\n$/);
    assert.equal((await lab('run', 'client', '--', 'sh', '-c', 'exit 7')).code, 7);
    const status = await lab('status', '-o', 'json');
    const pods = (JSON.parse(status.stdout) as { pods: { id: string }[] }).pods.map((p) => p.id);
    assert.ok(!pods.includes('default/client'), 'the run pod is removed afterwards');
  });

  it('exec: ns/name[Kind] is the first replica, with the pod resolv.conf', async () => {
    const r = await lab('exec', 'default/backend[Deployment]', '--', 'cat', '/etc/resolv.conf');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
    assert.match(r.stdout, /nameserver 198\.19\.0\.10/);
    assert.match(r.stdout, /options ndots:5/);
    const outside = await lab(
      'exec',
      'example.com',
      '--',
      'curl',
      '-sS',
      '-m',
      '3',
      'http://backend.default.svc.cluster.local',
    );
    assert.equal(outside.code, 6, 'outside hosts do not use the cluster DNS');
    const missing = await lab('exec', 'default/nope', '--', 'true');
    assert.equal(missing.code, 2);
    // A typo or a missing namespace gets a did-you-mean, not a list of whatever comes first.
    const typo = await lab('exec', 'default/backnd-1', '--', 'true');
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /did you mean default\/backend-1/);
    const bare = await lab('exec', 'coredns', '--', 'true');
    assert.match(bare.stderr, /did you mean kube-system\/coredns/);
  });

  it('apply: the policy selects the run pod by its labels before the command runs', async () => {
    assert.equal((await lab('apply', '-f', 'policy.yaml')).code, 0);
    const denied = await lab('run', 'c1', '--labels', 'role=other', '--', 'curl', '-sS', '-m', '2', 'backend');
    assert.equal(denied.code, 28, 'curl times out: dropped');
    const allowed = await lab('run', 'c2', '--labels', 'role=frontend', '--', 'curl', '-sS', '-m', '3', 'backend');
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  it('probe -o json: the matrix shape with observed and expected verdicts', async () => {
    const r = await lab('probe', '--port', '80', '--port', '9/SCTP', '--timeout', '500', '-o', 'json');
    assert.equal(r.code, 0, r.stdout);
    const json = JSON.parse(r.stdout) as {
      endpoints: string[];
      node?: string;
      results: {
        port: number;
        protocol: string;
        allowed: (boolean | null)[][];
        expected: (boolean | null)[][];
        note?: string;
      }[];
    };
    // The endpoints are matrix's (SPEC); the node only with --node.
    assert.deepEqual(json.endpoints, ['default/backend[Deployment]', 'kube-system/coredns', '203.0.113.10']);
    assert.equal(json.node, undefined);
    const [tcp, sctp] = atLeast(json.results, 2);
    assert.deepEqual(tcp.allowed, tcp.expected);
    // backend to itself is one replica to the other (backend-0 -> backend-1): only the
    // frontend may reach backend, so real packets are dropped, as the engine says.
    assert.deepEqual(tcp.allowed, [
      [false, true, true],
      [false, true, true],
      [false, true, null],
    ]);
    // This kernel has no SCTP: without --sctp, never a verdict (SPEC), and a note says so.
    assert.ok(
      sctp.allowed.flat().every((v) => v === null),
      'SCTP is never reported as a verdict',
    );
    assert.match(sctp.note ?? '', /not probed \(--sctp/);
  });

  it('probe --sctp --node -o json: SCTP by raw packets, the node as a destination', async () => {
    const r = await lab(
      'probe',
      '--port',
      '80',
      '--port',
      '9/SCTP',
      '--timeout',
      '500',
      '--sctp',
      '--node',
      '-o',
      'json',
    );
    assert.equal(r.code, 0, r.stdout);
    const json = JSON.parse(r.stdout) as {
      endpoints: string[];
      node: string;
      results: { allowed: (boolean | null)[][]; expected: (boolean | null)[][] }[];
    };
    assert.deepEqual(json.endpoints, [
      'default/backend[Deployment]',
      'kube-system/coredns',
      '198.18.0.1',
      '203.0.113.10',
    ]);
    assert.equal(json.node, '198.18.0.1');
    const [tcp, sctp] = atLeast(json.results, 2);
    assert.deepEqual(tcp.allowed, tcp.expected);
    // The node is a destination only; outside host to node is two addresses, no pod.
    assert.deepEqual(tcp.allowed, [
      [false, true, true, true],
      [false, true, true, true],
      [null, null, null, null],
      [false, true, null, null],
    ]);
    // SCTP by raw packets: backend admits port 80 only, so SCTP 9 to it is dropped.
    assert.deepEqual(sctp.allowed, sctp.expected);
    assert.deepEqual(sctp.allowed, tcp.allowed);
  });

  it('probe table: says which way rows and columns go, marks each pair', async () => {
    const r = await lab('probe', '--port', '80', '--timeout', '500');
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /rows: from, columns: to/);
    assert.match(r.stdout, /^ {2}0 {2}default\/backend\[Deployment\] +-- ok ok$/m);
    assert.match(r.stdout, /^ {2}2 {2}203\.0\.113\.10 +-- ok {2}\.$/m);
    assert.doesNotMatch(r.stdout, /\(node\)/);
    const withNode = await lab('probe', '--port', '80', '--timeout', '500', '--node');
    assert.equal(withNode.code, 0, withNode.stdout);
    assert.match(withNode.stdout, /^ {2}0 {2}default\/backend\[Deployment\] +-- ok ok ok$/m);
    assert.match(withNode.stdout, /^ {2}2 {2}198\.18\.0\.1 \(node\) +\. {2}\. {2}\. {2}\.$/m);
    assert.match(withNode.stdout, /^ {2}3 {2}203\.0\.113\.10 +-- ok {2}\. {2}\.$/m);
    assert.match(withNode.stdout, /^198\.18\.0\.1 \(node\): the lab node, a destination only/m);
  });

  it('apply: ipBlock addresses without an outside host get a note on how to add one', async () => {
    const r = await lab('apply', '-f', 'egress.yaml');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /note: policies name 203\.0\.113\.50,.*--outside example\.com=203\.0\.113\.10 --outside host50=203\.0\.113\.50/,
    );
    assert.equal((await lab('delete', '-f', 'egress.yaml')).code, 0);
  });

  it('delete -f removes the policy; down removes the lab and is idempotent', async () => {
    const deleted = await lab('delete', '-f', 'policy.yaml');
    assert.equal(deleted.code, 0);
    assert.match(deleted.stdout, /networkpolicy\/backend-allow-frontend \(default\) deleted/);
    assert.match(deleted.stderr, /1 policy\n|0 policies\n/);
    // As kubectl delete -f: what the lab does not hold is reported, exit 1.
    const again = await lab('delete', '-f', 'policy.yaml');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /backend-allow-frontend \(default\) not found/);
    assert.equal(again.stdout, '');
    const status = await lab('status', '-o', 'json');
    assert.deepEqual((JSON.parse(status.stdout) as { policies: string[] }).policies, []);
    const down = await lab('down');
    assert.equal(down.code, 0);
    assert.match(down.stdout, /removed: 5 network namespaces/);
    const downAgain = await lab('down');
    assert.equal(downAgain.code, 0);
    assert.match(downAgain.stdout, /not up/);
  });
});

describe('netpol lab: a replica labelled or deleted on its own, as kubectl does it (issue 16)', { skip }, () => {
  const labId = `trep${process.pid % 100000}`;
  let dir = '';
  const lab = async (sub: string, ...argv: string[]) => {
    const { io, out } = capturingIo(dir);
    const code = await run(['lab', sub, '--lab', labId, ...argv], io);
    return { code, ...out };
  };
  /** `lab probe` on port 80: its exit code, endpoints, and what it expects of each column. */
  const probe = async () => {
    const r = await lab('probe', '--port', '80', '--timeout', '500', '-o', 'json');
    const json = JSON.parse(r.stdout) as {
      endpoints: string[];
      disagreements: unknown[];
      results: { expected: (boolean | null)[][] }[];
    };
    assert.deepEqual(json.disagreements, []);
    assert.equal(r.code, 0, r.stderr);
    return json;
  };
  const pods = async () => {
    const status = await lab('status', '-o', 'json');
    assert.equal(status.code, 0, `status calls the lab sound: ${status.stdout}`);
    return (JSON.parse(status.stdout) as { pods: { id: string }[] }).pods
      .map((p) => p.id)
      .filter((id) => id.startsWith('default/'));
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-lab-rep-'));
    writeFileSync(join(dir, 'app.yaml'), MANIFESTS);
    writeFileSync(join(dir, 'policy.yaml'), DENY);
    await labDown({ labId });
  });
  after(async () => {
    await labDown({ labId });
    rmSync(dir, { recursive: true, force: true });
  });

  it('label pod backend-0: it stays a replica while the selector matches, and is probed as itself', async () => {
    assert.equal((await lab('up', '-f', 'app.yaml', '-f', 'policy.yaml')).code, 0);
    const r = await lab('label', 'pod', 'backend-0', 'canary=yes');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pod\/backend-0 \(default\) labeled$/m);
    assert.doesNotMatch(r.stderr, /released|made/);
    assert.deepEqual(await pods(), ['default/backend-0', 'default/backend-1']);
    const json = await probe();
    assert.ok(json.endpoints.includes('default/backend-0') && json.endpoints.includes('default/backend[Deployment]'));
  });

  it('a label that breaks the selector releases the pod; the Deployment makes a replacement; probe agrees', async () => {
    const r = await lab('label', 'pod', 'backend-0', 'app=debug', '--overwrite');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /pod\/backend-0 no longer matches the selector of deployment\/backend: released/);
    assert.match(r.stderr, /deployment\/backend made pod\/backend-2 to keep its replicas/);
    assert.deepEqual(await pods(), ['default/backend-0', 'default/backend-1', 'default/backend-2']);
    // backend-0 is no longer selected by the policy: every source reaches it, as the engine says.
    const json = await probe();
    const column = json.endpoints.indexOf('default/backend-0');
    assert.ok(first(json.results).expected.every((row) => row[column] !== false));
  });

  it('delete pod backend-1: a replacement under a new name, wired; the released pod stays', async () => {
    const r = await lab('delete', 'pod', 'backend-1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pod\/backend-1 \(default\) deleted$/m);
    assert.match(r.stderr, /deployment\/backend made pod\/backend-3 to keep its replicas/);
    assert.deepEqual(await pods(), ['default/backend-0', 'default/backend-2', 'default/backend-3']);
    await probe();
    const gone = await lab('delete', 'deployment', 'backend');
    assert.equal(gone.code, 0, gone.stderr);
    assert.deepEqual(
      await pods(),
      ['default/backend-0'],
      'the replicas go with their Deployment, the released pod stays',
    );
  });

  it('down removes the lab and its lock file', async () => {
    assert.ok(existsSync(`${labStateDir({ labId })}.lock`));
    assert.equal((await lab('down')).code, 0);
    assert.equal(existsSync(`${labStateDir({ labId })}.lock`), false);
  });
});

describe('netpol lab: a generated cluster (netpol gen) agrees with the engine on real packets', { skip }, () => {
  const labId = `tgen${process.pid % 100000}`;
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-lab-gen-'));
    await labDown({ labId });
  });
  after(async () => {
    await labDown({ labId });
    rmSync(dir, { recursive: true, force: true });
  });
  it('gen → lab up → lab probe: no disagreement, and some connections are denied', async () => {
    const gen = capturingIo(dir);
    assert.equal(await run(['gen', '--pods', '30', '--policies', '12', '--seed', '5'], gen.io), 0);
    writeFileSync(join(dir, 'gen.yaml'), gen.out.stdout);
    const up = capturingIo(dir);
    assert.equal(await run(['lab', 'up', '--lab', labId, '-f', 'gen.yaml'], up.io), 0, up.out.stderr);
    const probe = capturingIo(dir);
    const argv = ['lab', 'probe', '--lab', labId, '--timeout', '500', '-o', 'json'];
    for (const port of ['80', '5432', '8080', '53/UDP']) argv.push('--port', port);
    const code = await run(argv, probe.io);
    const json = JSON.parse(probe.out.stdout) as {
      disagreements: unknown[];
      results: { allowed: (boolean | null)[][] }[];
    };
    assert.deepEqual(json.disagreements, []);
    assert.equal(code, 0);
    const observed = json.results.flatMap((r) => r.allowed.flat()).filter((v) => v !== null);
    assert.ok(observed.includes(false) && observed.includes(true), 'policies both allow and deny here');
  });
});

describe('netpol lab: the admin tiers (examples/005-admin-guardrails) enforced, probe agrees', { skip }, () => {
  const labId = `tadm${process.pid % 100000}`;
  const example = fileURLToPath(new URL('../../../../examples/005-admin-guardrails', import.meta.url));
  before(async () => {
    await labDown({ labId });
  });
  after(async () => {
    await labDown({ labId });
  });
  it('up says the admin tiers are enforced; probe finds no disagreement and the admin Deny blocks', async () => {
    const up = capturingIo(example);
    assert.equal(await run(['lab', 'up', '--lab', labId, '-f', example], up.io), 0, up.out.stderr);
    assert.match(up.out.stdout, /admin tiers: enforced \(3 policies: ClusterNetworkPolicy\)/);
    assert.doesNotMatch(up.out.stderr, /not enforce/);
    const probe = capturingIo(example);
    const argv = ['lab', 'probe', '--lab', labId, '--timeout', '500', '-o', 'json', '--port', '443'];
    const code = await run(argv, probe.io);
    const json = JSON.parse(probe.out.stdout) as {
      disagreements: unknown[];
      endpoints: string[];
      node: string;
      results: { allowed: (boolean | null)[][] }[];
    };
    assert.deepEqual(json.disagreements, []);
    assert.equal(code, 0);
    const at = (id: string) => json.endpoints.indexOf(id);
    const [from, to] = [at('team-a/api'), at('kube-system/metrics-server')];
    assert.ok(from >= 0 && to >= 0, JSON.stringify(json.endpoints));
    assert.equal(json.results[0]?.allowed[from]?.[to], false, 'admin: cluster-guardrails Deny to kube-system');
  });
});

describe('netpol lab up: Ctrl-C while building removes the half-built lab', { skip }, () => {
  const labId = `tint${process.pid % 100000}`;
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-lab-int-'));
    writeFileSync(join(dir, 'app.yaml'), MANIFESTS);
    await labDown({ labId });
  });
  after(async () => {
    await labDown({ labId });
    rmSync(dir, { recursive: true, force: true });
  });
  it('SIGINT once the first namespace is journalled: exit 130, no namespace, no state', async () => {
    const child = spawn(process.execPath, [BIN, 'lab', 'up', '--lab', labId, '-f', join(dir, 'app.yaml')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    // Wait (bounded) until `up` has started making things, then interrupt it.
    const journal = join(labStateDir({ labId }), 'netns.journal');
    for (let i = 0; i < 500 && !existsSync(journal) && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(existsSync(journal), `lab up started (${stderr})`);
    child.kill('SIGINT');
    assert.equal(await closed, 130, stderr);
    assert.match(stderr, /interrupted/);
    assert.doesNotMatch(stderr, /\n\s+at /);
    assert.deepEqual(await listLabNetns(labId), []);
    assert.equal(existsSync(labStateDir({ labId })), false);
  });
});

describe('netpol lab: when the agent has died', { skip }, () => {
  const labId = `tdead${process.pid % 100000}`;
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-lab-dead-'));
    writeFileSync(join(dir, 'app.yaml'), MANIFESTS);
    await labDown({ labId });
  });
  after(async () => {
    await labDown({ labId });
    rmSync(dir, { recursive: true, force: true });
  });
  it('status exits 1; the next change (a run) starts a new agent and the lab is whole; down cleans up', async () => {
    const lab = async (...argv: string[]) => {
      const { io, out } = capturingIo(dir);
      return { code: await run([first(argv), at(argv, 1), '--lab', labId, ...argv.slice(2)], io), ...out };
    };
    assert.equal((await lab('lab', 'up', '-f', 'app.yaml')).code, 0);
    const pid = Number(readFileSync(join(labStateDir({ labId }), 'agent.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    for (
      let i = 0;
      i < 100 && existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z');
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const status = await lab('lab', 'status');
    assert.equal(status.code, 1);
    assert.match(status.stdout + status.stderr, /agent NOT running/);
    const r = await lab('lab', 'run', 'c', '--', 'curl', '-sS', '-m', '3', 'backend');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the lab agent was not running: starting a new one/);
    assert.match(r.stdout, /^backend-[01]\n$/, 'DNS and the pods answer again');
    assert.equal((await lab('lab', 'status')).code, 0);
    assert.equal((await lab('lab', 'down')).code, 0);
    assert.deepEqual(await listLabNetns(labId), []);
  });
});

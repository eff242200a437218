import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCluster } from '@netpol/core';
import { labCluster, labDown, labStateDir, listLabNetns, readState } from '@netpol/lab';
import { ExitError } from '../io.js';
import { run } from '../run.js';
import { capturingIo, labTestSkip } from '../test-helpers.js';
import { finishFirst, tryCommand } from './lab.js';

/**
 * What a user of the seed tutorials runs into on the lab: typos in namespaces, tools the
 * machine lacks, `timeout`/SIGTERM around `lab run`, commands left running at `lab down`.
 * Live parts need root; lab ids start with `ux` (namespaces `np-ux...`).
 */
const skip = await labTestSkip(`uxchk${process.pid % 10000}`);

const BIN = fileURLToPath(new URL('../../bin/netpol.js', import.meta.url));

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: frontend, labels: {access: frontend}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: frontend, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: frontend}
spec:
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c, image: x}]}}
`;

const POD_NAMED_LIKE_A_REPLICA = `apiVersion: v1
kind: Pod
metadata: {name: api-0, namespace: frontend}
spec: {containers: [{name: c, image: x}]}
`;

/** `sleep SECONDS` processes (SECONDS unique per test). */
function sleeping(seconds: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === `sleep\0${seconds}\0`) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('netpol lab: usage errors name the lab subcommand', () => {
  const rows: [string, string[], RegExp][] = [
    ['unknown option', ['lab', 'up', '--bogus'], /^netpol lab up: unknown option '--bogus'/],
    ['missing argument', ['lab', 'exec'], /^netpol lab exec: missing required argument 'pod'/],
    [
      'a command option without --',
      ['lab', 'exec', 'default/x', 'curl', '-m', '3', 'backend'],
      /^netpol lab exec: unknown option '-m'\nhint: .*put the command after --: netpol lab exec <pod> -- <command\.\.\.>/,
    ],
    [
      'a value without its option',
      ['lab', 'probe', '80'],
      /^netpol lab probe: too many arguments.*\nhint: values go after their option: .*--port <port\[\/proto\]>/,
    ],
    [
      'run: a command option without --',
      ['lab', 'run', 't', 'curl', '-m', '3', 'backend'],
      /^netpol lab run: unknown option '-m'\nhint: .*netpol lab run <name> -- <command\.\.\.>/,
    ],
  ];
  for (const [name, argv, message] of rows) {
    it(name, async () => {
      const { io, out } = capturingIo(tmpdir());
      assert.equal(await run(argv, io), 2);
      assert.match(out.stderr, message);
    });
  }
});

describe('lab up: the command it suggests to try names a Service of the lab', () => {
  const svc = (ns: string, name: string, port: number, protocol = 'TCP') =>
    `---\napiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {selector: {app: x}, ports: [{port: ${port}, protocol: ${protocol}}]}\n`;
  const rows: [string, string, string, string][] = [
    ['a Service in default', svc('default', 'backend', 80), 'lab', 'curl -m 5 -s backend$'],
    ['in another namespace, another port', svc('backend', 'api', 8080), 'lab', 'curl -m 5 -s api.backend:8080$'],
    [
      'kube-dns and UDP-only Services are skipped',
      svc('kube-system', 'kube-dns', 53) + svc('default', 'dns', 53, 'UDP'),
      'lab',
      'POD_IP',
    ],
    ['the lab id is named when not the default', svc('default', 'backend', 80), 'ux1', 'run test-client --lab ux1 -- '],
  ];
  for (const [name, yaml, labId, expected] of rows) {
    it(name, () => {
      const { cluster } = loadCluster([{ name: 't.yaml', text: yaml }]).value;
      assert.match(tryCommand(cluster, { labId }), new RegExp(expected.replaceAll('.', '\\.')));
    });
  }
});

describe('lab apply/delete/label: a signal during the change is held until the lab matches', () => {
  it('the change completes, then the command exits 128+signal', async () => {
    const { io, out } = capturingIo(tmpdir());
    let finished = false;
    await assert.rejects(
      finishFirst(io, async () => {
        process.emit('SIGINT', 'SIGINT');
        process.emit('SIGTERM', 'SIGTERM');
        await new Promise((r) => setTimeout(r, 20));
        finished = true;
      }),
      (e) => e instanceof ExitError && e.code === 130,
    );
    assert.ok(finished);
    assert.equal(out.stderr, 'SIGINT: finishing the change first\n');
    assert.equal(process.listenerCount('SIGINT'), 0, 'handlers are removed');
    assert.equal(await finishFirst(io, async () => 7), 7);
  });
});

describe('netpol lab: rough edges of a tutorial walk', { skip }, () => {
  const labId = `uxw${process.pid % 100000}`;
  let dir = '';
  const lab = async (sub: string, ...argv: string[]) => {
    const { io, out } = capturingIo(dir);
    const code = await run(['lab', sub, '--lab', labId, ...argv], io);
    return { code, ...out };
  };
  const podIds = () => Object.keys(readState(labStateDir({ labId }))?.pods ?? {}).sort();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-lab-ux-'));
    writeFileSync(join(dir, 'app.yaml'), MANIFESTS);
    await labDown({ labId });
    const up = await lab('up', '-f', 'app.yaml');
    assert.equal(up.code, 0, up.stderr);
  });
  after(async () => {
    await labDown({ labId });
    rmSync(dir, { recursive: true, force: true });
  });

  it('up/apply without -f: the hint shows the lab command, not another one', async () => {
    const r = await lab('apply');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no input/);
    assert.match(r.stderr, /hint: e\.g\. netpol lab apply -f /);
  });

  it('status shows the labels policies select on: pods and namespaces (text and -o json)', async () => {
    const text = await lab('status');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^POD +IP +NETNS +LABELS$/m);
    assert.match(text.stdout, /^frontend\/web +198\.18\.\S+ +np-uxw\d+-p\d+ +app=web$/m);
    assert.match(text.stdout, /^namespace frontend access=frontend$/m);
    const json = JSON.parse((await lab('status', '-o', 'json')).stdout) as {
      namespaces: { name: string; labels: Record<string, string> }[];
    };
    assert.deepEqual(
      json.namespaces.find((n) => n.name === 'frontend'),
      { name: 'frontend', labels: { access: 'frontend', 'kubernetes.io/metadata.name': 'frontend' } },
    );
  });

  it("the tutorials' kubectl run/exec flags work with kubectl replaced by netpol lab", async () => {
    // kubectl run test-client --image=curlimages/curl --restart=Never --rm -it -- CMD
    const r = await lab('run', 'c', '--image=curlimages/curl', '--restart=Never', '--rm', '-it', '--', 'true');
    assert.equal(r.code, 0, r.stderr);
    // kubectl run busybox --rm -ti --labels="role=client" --image=busybox -- CMD
    const ti = await lab('run', 'busybox', '--rm', '-ti', '--labels=role=client', '--image=busybox', '--', 'true');
    assert.equal(ti.code, 0, ti.stderr);
    // kubectl exec -n frontend frontend-client -- CMD, kubectl exec -it backend -- CMD
    const ex = await lab('exec', '-n', 'frontend', 'web', '--', 'sh', '-c', 'exit 5');
    assert.equal(ex.code, 5, ex.stderr);
    assert.equal((await lab('exec', '-it', '-n', 'frontend', 'web', '--', 'true')).code, 0);
    const both = await lab('exec', '-n', 'frontend', 'frontend/web', '--', 'true');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give the pod as NAME with -n/);
    const typo = await lab('exec', '-n', 'frontend', 'wb', '--', 'true');
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /did you mean frontend\/web/);
  });

  it('pod addresses the lab refuses are input errors: file:line:col, object, field', async () => {
    const yaml = (name: string, ip: string) =>
      `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec: {containers: [{name: c, image: x}]}\nstatus: {podIP: ${ip}}\n`;
    writeFileSync(join(dir, 'ips.yaml'), yaml('a', '10.244.1.5') + yaml('b', '198.18.9.9') + yaml('c', '198.18.9.9'));
    const r = await lab('apply', '-f', 'ips.yaml');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ips\.yaml:6:10: Pod default\/a: status\.podIP: 10\.244\.1\.5 is outside/m);
    assert.match(
      r.stderr,
      /^ips\.yaml:18:10: Pod default\/c: status\.podIP: 198\.18\.9\.9 is also the address of Pod default\/b/m,
    );
    assert.match(r.stderr, /--readdress/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.ok(!podIds().includes('default/a'), 'nothing applied');
  });

  it('label and delete by name, as the tutorials do with kubectl, change what gets through', async () => {
    writeFileSync(
      join(dir, 'team-a.yaml'),
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-team-a, namespace: frontend}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}}], ports: [{port: 80}]}]
`,
    );
    assert.equal((await lab('apply', '-f', 'team-a.yaml')).code, 0);
    const web = readState(labStateDir({ labId }))?.pods['frontend/web']?.ip;
    assert.ok(web);
    const curl = () => lab('run', 'c', '--', 'curl', '-s', '-m', '1', `http://${web}`);
    assert.equal((await curl()).code, 28, 'default is not team=a: dropped');
    // kubectl label namespace default team=a (default holds no Namespace object yet)
    const labeled = await lab('label', 'namespace', 'default', 'team=a');
    assert.equal(labeled.code, 0, labeled.stderr);
    assert.equal(labeled.stdout, 'namespace/default labeled\n');
    const through = await curl();
    assert.equal(through.code, 0, through.stderr);
    assert.equal(through.stdout, 'web\n');
    // Another value needs --overwrite; nothing changes without it.
    const refused = await lab('label', 'ns', 'default', 'team=b');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already has a value \(a\)/);
    assert.equal((await lab('label', 'ns', 'default', 'team-')).code, 0);
    assert.equal((await curl()).code, 28);
    // kubectl delete networkpolicy web-from-team-a -n frontend
    const deleted = await lab('delete', 'networkpolicy', 'web-from-team-a', '-n', 'frontend');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, 'networkpolicy/web-from-team-a (frontend) deleted\n');
    assert.equal((await curl()).code, 0);
    const again = await lab('delete', 'networkpolicy', 'web-from-team-a', '-n', 'frontend');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /not found/);
    assert.equal((await lab('delete', 'netpol/web-from-team-a', '-n', 'frontend', '--ignore-not-found')).code, 0);
    const system = await lab('delete', 'namespace', 'default');
    assert.equal(system.code, 1);
    assert.match(system.stderr, /namespace default cannot be deleted/);
  });

  it("a pod named like a workload's replica is refused before anything changes", async () => {
    const before = podIds();
    const run1 = await lab('run', 'api-0', '-n', 'frontend', '--', 'true');
    assert.equal(run1.code, 2);
    assert.match(
      run1.stderr,
      /pod frontend\/api-0 already exists in the lab \(a replica of frontend\/api\[Deployment\]\)/,
    );
    writeFileSync(join(dir, 'dup.yaml'), POD_NAMED_LIKE_A_REPLICA);
    // A Pod applied over the replica: refused (on a cluster the apply would try to change
    // that pod's spec, which cannot change), rather than silently take its place.
    const apply = await lab('apply', '-f', 'dup.yaml');
    assert.equal(apply.code, 2);
    assert.match(
      apply.stderr,
      /pod frontend\/api-0 already exists in the lab \(a replica of frontend\/api\[Deployment\]\)/,
    );
    assert.deepEqual(podIds(), before);
    assert.equal((await lab('status')).code, 0, 'the lab is as it was');
    // Both in one lab up: as on a cluster, the Deployment names its replica around the Pod.
    const other = `uxd${process.pid % 100000}`;
    const { io, out } = capturingIo(dir);
    try {
      assert.equal(await run(['lab', 'up', '--lab', other, '-f', 'app.yaml', '-f', 'dup.yaml'], io), 0, out.stderr);
      const state = readState(labStateDir({ labId: other }));
      const { cluster } = labCluster(state?.objects ?? []);
      const api = cluster.pods
        .filter((p) => p.name.startsWith('api-'))
        .map((p) => `${p.id} ${p.workload?.id ?? 'Pod'}`);
      assert.deepEqual(api.sort(), ['frontend/api-0 Pod', 'frontend/api-1 frontend/api[Deployment]']);
    } finally {
      await labDown({ labId: other });
    }
  });

  it('run -n of a namespace the lab does not have: exit 2, did-you-mean, no pod made', async () => {
    const before = podIds();
    const r = await lab('run', 'c', '-n', 'fronted', '--', 'true');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /namespace fronted not found/);
    assert.match(r.stderr, /did you mean frontend/);
    assert.match(r.stderr, /netpol lab apply --lab \S+ -f -/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.deepEqual(podIds(), before);
    // Namespaces the lab has, declared or implied, and `default` are fine.
    assert.equal((await lab('run', 'c', '-n', 'frontend', '--', 'true')).code, 0);
    assert.equal((await lab('run', 'c', '--', 'true')).code, 0);
  });

  it('run/exec of a program this machine lacks: exit 2 saying so, before any pod is made', async () => {
    const before = podIds();
    const r = await lab('run', 'c', '--', 'netpol-no-such-program', '-x');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /netpol-no-such-program: command not found/);
    assert.deepEqual(podIds(), before);
    const e = await lab('exec', 'frontend/web', '--', 'netpol-no-such-program');
    assert.equal(e.code, 2);
    assert.match(e.stderr, /command not found/);
  });

  it('SIGTERM (timeout) during lab run: the command ends, the pod and what it started are removed', async () => {
    const marker = `29.${process.pid % 1000}7`;
    // `; true` keeps sh from exec-ing sleep: the sleep outlives sh unless the pod takes it.
    const child = spawn(
      process.execPath,
      [BIN, 'lab', 'run', 'sleeper', '--lab', labId, '--', 'sh', '-c', `sleep ${marker}; true`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    try {
      await until('the sleeper pod runs its command', () => sleeping(marker).length > 0);
      assert.ok(podIds().includes('default/sleeper'));
      child.kill('SIGTERM');
      assert.equal(await closed, 143, stderr);
      assert.ok(!podIds().includes('default/sleeper'), 'the pod is removed');
      assert.deepEqual(sleeping(marker), [], 'nothing it started runs on');
    } finally {
      child.kill('SIGKILL');
      for (const pid of sleeping(marker)) process.kill(pid, 'SIGKILL');
    }
  });

  it('SIGTERM to lab run whose command ignores it: killed after a short grace, the pod still removed', async () => {
    const marker = `27.${process.pid % 1000}1`;
    const child = spawn(
      process.execPath,
      [BIN, 'lab', 'run', 'stubborn', '--lab', labId, '--', 'sh', '-c', `trap '' TERM; sleep ${marker}; true`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    try {
      await until('the stubborn pod runs its command', () => sleeping(marker).length > 0);
      const sent = Date.now();
      child.kill('SIGTERM');
      assert.equal(await closed, 137, stderr); // 128 + SIGKILL: the command did not end by itself
      assert.ok(Date.now() - sent < 10_000);
      assert.ok(!podIds().includes('default/stubborn'), 'the pod is removed');
      assert.deepEqual(sleeping(marker), [], 'nothing it started runs on');
    } finally {
      child.kill('SIGKILL');
      for (const pid of sleeping(marker)) process.kill(pid, 'SIGKILL');
    }
  });

  it('a pod left by a SIGKILLed lab run is replaced by the next lab run of that name', async () => {
    const marker = `26.${process.pid % 1000}9`;
    const child = spawn(process.execPath, [BIN, 'lab', 'run', 'left', '--lab', labId, '--', 'sleep', marker], {
      stdio: 'ignore',
    });
    const closed = new Promise((resolve) => child.on('close', resolve));
    try {
      await until('the left pod runs its command', () => sleeping(marker).length > 0);
      child.kill('SIGKILL');
      await closed;
      assert.ok(podIds().includes('default/left'), 'SIGKILL leaves the pod behind');
      const again = await lab('run', 'left', '--', 'true');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /replacing pod default\/left/);
      assert.ok(!podIds().includes('default/left'));
      assert.deepEqual(sleeping(marker), [], 'what ran in the old pod went with it');
      // A pod from the manifests is never taken over.
      const taken = await lab('run', 'web', '-n', 'frontend', '--', 'true');
      assert.equal(taken.code, 2);
      assert.match(taken.stderr, /already exists/);
    } finally {
      child.kill('SIGKILL');
      for (const pid of sleeping(marker)) process.kill(pid, 'SIGKILL');
    }
  });

  it('down: a command still running in a lab pod (its lab exec killed) goes with the lab', async () => {
    const netns = readState(labStateDir({ labId }))?.pods['frontend/web']?.netns;
    assert.ok(netns);
    const marker = `28.${process.pid % 1000}3`;
    const orphan = spawn('ip', ['netns', 'exec', netns, 'sleep', marker], { stdio: 'ignore', detached: true });
    orphan.unref();
    try {
      await until('the command runs', () => sleeping(marker).length > 0);
      const down = await lab('down');
      assert.equal(down.code, 0, down.stderr);
      await until('the command is gone', () => sleeping(marker).length === 0, 3000);
      assert.deepEqual(await listLabNetns(labId), []);
    } finally {
      for (const pid of sleeping(marker)) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('netpol lab: a lab up killed half-way (SIGKILL, no chance to clean up)', { skip }, () => {
  const labId = `uxk${process.pid % 100000}`;
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-lab-ux-kill-'));
    writeFileSync(join(dir, 'app.yaml'), MANIFESTS);
    await labDown({ labId });
  });
  after(async () => {
    await labDown({ labId });
    rmSync(dir, { recursive: true, force: true });
  });
  it('SIGHUP (the terminal closed) during lab up removes the half-built lab, as Ctrl-C does', async () => {
    const child = spawn(process.execPath, [BIN, 'lab', 'up', '--lab', labId, '-f', join(dir, 'app.yaml')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    await until('lab up wrote its state', () => readState(labStateDir({ labId })) !== undefined, 10_000);
    child.kill('SIGHUP');
    assert.equal(await closed, 130, stderr);
    assert.match(stderr, /interrupted: removing lab/);
    assert.deepEqual(await listLabNetns(labId), []);
  });

  it('status says it was interrupted (exit 1) and probe warns; down removes it all', async () => {
    const child = spawn(process.execPath, [BIN, 'lab', 'up', '--lab', labId, '-f', join(dir, 'app.yaml')], {
      stdio: 'ignore',
    });
    const closed = new Promise((resolve) => child.on('close', resolve));
    await until('lab up wrote its state', () => readState(labStateDir({ labId })) !== undefined, 10_000);
    child.kill('SIGKILL');
    await closed;
    const lab = async (sub: string, ...argv: string[]) => {
      const { io, out } = capturingIo(dir);
      return { code: await run(['lab', sub, '--lab', labId, ...argv], io), ...out };
    };
    const status = await lab('status', '-o', 'json');
    assert.equal(status.code, 1, status.stdout);
    assert.equal((JSON.parse(status.stdout) as { interrupted: boolean }).interrupted, true);
    assert.match(status.stderr, /interrupted/);
    assert.match(status.stderr, /hint: netpol lab down --lab uxk\d+/);
    const probe = await lab('probe', '--port', '80', '--timeout', '200');
    assert.match(probe.stderr, /warning: .*interrupted/);
    assert.equal((await lab('down')).code, 0);
    assert.deepEqual(await listLabNetns(labId), []);
  });
});

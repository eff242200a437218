import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { first } from '@netpol/core';
import { answerAddresses, buildQuery } from './dns-message.js';
import { labChange, labDown, labUp } from './lab.js';
import { applyObjects, deleteObjects, labCluster, objectKey } from './lab-cluster.js';
import { connectFrom, destination, outcomeAllowed, sourceNetns } from './lab-connect.js';
import { execInNetns } from './lab-exec.js';
import { lockPath } from './lab-lock.js';
import { stateDir } from './lab-names.js';
import { listLabNetns } from './lab-netns.js';
import { labProbe } from './lab-probe.js';
import { readState, type StoredObject } from './lab-state.js';
import { hostSnapshot, liveSkipReason, randomClusterObjects, testLabId } from './lab-test-support.js';

/**
 * The lab on real namespaces and packets (root only; skipped with the reason otherwise).
 * Every lab here has its own id (np-t<tag><pid>-*) and is removed in an after hook.
 */
const skip = await liveSkipReason();

const obj = (value: Record<string, unknown>): StoredObject => {
  const meta = value.metadata as { name: string; namespace?: string };
  return { key: objectKey(value.kind as string, meta.namespace ?? 'default', meta.name), value };
};
const pod = (name: string, labels: Record<string, string>, ports: unknown[] = []) =>
  obj({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'c', image: 'lab', ports }] },
  });
const policy = (name: string, spec: Record<string, unknown>) =>
  obj({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'default' }, spec });

const BASE: StoredObject[] = [
  obj({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'backend', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'backend' } },
      template: {
        metadata: { labels: { app: 'backend' } },
        spec: { containers: [{ name: 'c', image: 'backend', ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  }),
  obj({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'backend', namespace: 'default' },
    spec: { selector: { app: 'backend' }, ports: [{ port: 80, targetPort: 'http' }] },
  }),
  obj({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'db', namespace: 'default' },
    spec: { clusterIP: 'None', selector: { app: 'backend' }, ports: [{ port: 8080 }] },
  }),
  pod('client', { app: 'client' }),
  pod('echo', { app: 'echo' }, [{ containerPort: 7000, protocol: 'UDP' }]),
];

const POLICIES = {
  denyIngress: policy('deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
  allowClient: policy('allow-client', {
    podSelector: { matchLabels: { app: 'backend' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 'http' }] }],
  }),
  denyEgress: policy('deny-egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'] }),
  allowDns: policy('allow-dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      {
        to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
    ],
  }),
};

function capture(netns: string, command: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  return execInNetns(netns, command, {
    inherit: false,
    stdout: (d) => {
      out += d;
    },
    stderr: (d) => {
      err += d;
    },
  }).then((code) => ({ code, out, err }));
}

/** One DNS query from inside a namespace, UDP or TCP, answered by the cluster DNS. */
async function dnsQuery(netns: string, name: string, tcp: boolean) {
  const query = buildQuery(7, name).toString('hex');
  const script = tcp
    ? `const s=require('net').connect(53,'198.19.0.10',()=>{const q=Buffer.from(process.argv[1],'hex');const l=Buffer.alloc(2);l.writeUInt16BE(q.length);s.write(Buffer.concat([l,q]))});let b=Buffer.alloc(0);s.on('data',d=>{b=Buffer.concat([b,d]);if(b.length>=2&&b.length>=2+b.readUInt16BE(0)){console.log(b.subarray(2).toString('hex'));process.exit(0)}});setTimeout(()=>process.exit(3),3000)`
    : `const u=require('dgram').createSocket('udp4');u.on('message',m=>{console.log(m.toString('hex'));process.exit(0)});u.send(Buffer.from(process.argv[1],'hex'),53,'198.19.0.10');setTimeout(()=>process.exit(3),3000)`;
  const r = await capture(netns, [process.execPath, '-e', script, query]);
  assert.equal(r.code, 0, `dns query for ${name} failed: ${r.err}`);
  return answerAddresses(Buffer.from(r.out.trim(), 'hex'));
}

describe('lab on real namespaces', { skip }, () => {
  const labId = testLabId('a');
  const ctx = { labId };
  let hostBefore = '';

  before(async () => {
    await labDown(ctx);
    hostBefore = hostSnapshot();
    await labUp(ctx, { enforce: true, objects: BASE });
  });
  after(async () => {
    await labDown(ctx);
  });

  it('creates a node, a namespace per pod (replicas included) and the outside host, and nothing on the host', async () => {
    const names = await listLabNetns(labId);
    // node + backend-0/1 + client + echo + the lab's coredns + example.com
    assert.equal(names.length, 7, names.join(' '));
    assert.equal(hostSnapshot(), hostBefore);
  });

  it('serves every pod: HTTP naming the pod behind a Service (targetPort by name), UDP echo', async () => {
    const state = readState(stateDir(labId))!;
    const { cluster } = labCluster(state.objects);
    const client = sourceNetns(cluster, state, 'default/client');
    const r = await capture(client, ['curl', '-sS', '-m', '3', 'backend']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out.trim(), /^backend-[01]$/);
    const udp = await connectFrom(stateDir(labId), client, [destination(cluster, 'default/echo', '7000/UDP')], 1500);
    assert.deepEqual(udp, ['open']);
    const closed = await connectFrom(stateDir(labId), client, [destination(cluster, 'default/echo', '7001/UDP')], 1500);
    assert.deepEqual(closed, ['refused'], 'ICMP port unreachable counts as answered');
  });

  it('answers cluster DNS over UDP and TCP: Services, headless, pod names, outside hosts, NXDOMAIN', async () => {
    const state = readState(stateDir(labId))!;
    const { cluster } = labCluster(state.objects);
    const client = sourceNetns(cluster, state, 'default/client');
    const backend = cluster.services.find((s) => s.id === 'default/backend')!;
    const replicas = cluster.pods
      .filter((p) => p.workload?.name === 'backend')
      .map((p) => first(p.ips))
      .sort();
    for (const tcp of [false, true]) {
      assert.deepEqual(await dnsQuery(client, 'backend.default.svc.cluster.local', tcp), {
        rcode: 0,
        ips: [backend.clusterIP],
      });
      const headless = await dnsQuery(client, 'db.default.svc.cluster.local', tcp);
      assert.deepEqual(headless.ips.sort(), replicas);
      const ip = first(replicas);
      assert.deepEqual(await dnsQuery(client, `${ip.replaceAll('.', '-')}.default.pod.cluster.local`, tcp), {
        rcode: 0,
        ips: [ip],
      });
      assert.deepEqual(await dnsQuery(client, 'example.com', tcp), { rcode: 0, ips: ['203.0.113.10'] });
      assert.equal((await dnsQuery(client, 'nope.default.svc.cluster.local', tcp)).rcode, 3);
    }
    // resolv.conf: search list and ndots as in a pod, so short names work.
    const r = await capture(client, ['getent', 'hosts', 'kube-dns.kube-system']);
    assert.match(r.out, /^198\.19\.0\.10\s/);
  });

  it('churn: after every apply or delete returns, real connections agree with the engine', async () => {
    const sequence: [keyof typeof POLICIES, 'apply' | 'delete'][] = [
      ['denyIngress', 'apply'],
      ['allowClient', 'apply'],
      ['denyEgress', 'apply'],
      ['allowDns', 'apply'],
      ['denyIngress', 'delete'],
      ['denyEgress', 'delete'],
      ['allowClient', 'delete'],
    ];
    for (const [name, op] of sequence) {
      const doomed = POLICIES[name];
      await labChange(ctx, (objects) =>
        op === 'apply' ? applyObjects(objects, [doomed]) : deleteObjects(objects, [doomed]),
      );
      const state = readState(stateDir(labId))!;
      const report = await labProbe(state, stateDir(labId), {
        ports: [
          { port: 8080, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
        timeoutMs: 400,
      });
      assert.deepEqual(report.disagreements, [], `after ${op} ${name}`);
      assert.ok(report.probes > 20);
    }
    assert.equal(hostSnapshot(), hostBefore);
  });

  it('adds and removes pods on apply/delete: a new pod is isolated from its first packet', async () => {
    const newcomer = pod('late', { app: 'client' });
    await labChange(ctx, (objects) => applyObjects(objects, [POLICIES.denyIngress, newcomer]));
    let state = readState(stateDir(labId))!;
    const { cluster } = labCluster(state.objects);
    const late = sourceNetns(cluster, state, 'default/late');
    const echo = sourceNetns(cluster, state, 'default/echo');
    // Ingress to `late` is denied (deny-ingress selects every pod); its egress allows DNS
    // (allow-dns, left by the churn test) through the kube-dns ClusterIP, and nothing else.
    const target = {
      ip: first(cluster.pods.find((p) => p.id === 'default/late')!.ips),
      port: 80,
      protocol: 'TCP' as const,
    };
    assert.deepEqual(await connectFrom(stateDir(labId), echo, [target], 400), ['timeout']);
    assert.ok(
      outcomeAllowed(
        first(await connectFrom(stateDir(labId), late, [destination(cluster, 'kube-dns.kube-system', '53/UDP')], 1000)),
      ),
    );
    assert.deepEqual(await connectFrom(stateDir(labId), late, [destination(cluster, '203.0.113.10', 80)], 400), [
      'timeout',
    ]);
    await labChange(ctx, (objects) => deleteObjects(objects, [newcomer, POLICIES.denyIngress]));
    state = readState(stateDir(labId))!;
    assert.equal(state.pods['default/late'], undefined);
    assert.ok(!(await listLabNetns(labId)).includes(late));
  });

  it('down removes every namespace, the state, its lock file and /etc/netns entries; the host is as before', async () => {
    assert.ok(existsSync(lockPath(stateDir(labId))), 'a lab up has its lock file');
    await labDown(ctx);
    assert.deepEqual(await listLabNetns(labId), []);
    assert.equal(existsSync(stateDir(labId)), false);
    assert.equal(existsSync(lockPath(stateDir(labId))), false, 'the lock file went with the lab');
    const etc = existsSync('/etc/netns') ? readdirSync('/etc/netns').filter((n) => n.startsWith(`np-${labId}-`)) : [];
    assert.deepEqual(etc, []);
    assert.deepEqual(processesMentioning(stateDir(labId)), [], 'the agent is gone');
    assert.equal(hostSnapshot(), hostBefore);
  });
});

describe('lab probe agrees with the engine on random clusters', { skip }, () => {
  const labId = testLabId('r');
  after(async () => {
    await labDown({ labId });
  });
  for (const seed of [11, 42, 1234]) {
    it(`seed ${seed}`, async () => {
      await labDown({ labId });
      const objects = randomClusterObjects(seed);
      await labUp({ labId }, { enforce: true, objects });
      const state = readState(stateDir(labId))!;
      const report = await labProbe(state, stateDir(labId), {
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 81, protocol: 'TCP' },
          { port: 5353, protocol: 'UDP' },
          { port: 'http', protocol: 'TCP' },
        ],
        timeoutMs: 400,
      });
      assert.deepEqual(report.disagreements, []);
      // Some connections must be denied for the comparison to mean something... unless the
      // random policies allow everything; they never deny everything (self is allowed).
      const flat = report.results.flatMap((r) => r.expected.flat());
      assert.ok(flat.includes(true));
      await labDown({ labId });
    });
  }
  it('with --no-enforce every connection goes through whatever the policies say', async () => {
    await labDown({ labId });
    const objects = [...BASE, POLICIES.denyIngress, POLICIES.denyEgress];
    await labUp({ labId }, { enforce: false, objects });
    const state = readState(stateDir(labId))!;
    const report = await labProbe(state, stateDir(labId), { ports: [{ port: 8080, protocol: 'TCP' }], timeoutMs: 400 });
    assert.deepEqual(report.disagreements, []);
    const observed = first(report.results)
      .allowed.flat()
      .filter((v) => v !== null);
    assert.ok(observed.length > 10 && observed.every((v) => v === true));
    assert.ok(report.inert > 0, 'the deny policies would block some of these connections');
    await labDown({ labId });
  });
});

describe('lab down after a crash mid-up', { skip }, () => {
  const labId = testLabId('c');
  after(async () => {
    await labDown({ labId });
  });
  it('leaves no namespace, no agent, no state', async () => {
    await labDown({ labId });
    const many = Array.from({ length: 24 }, (_, i) => pod(`p${i}`, { app: 'x' }, [{ containerPort: 80 }]));
    // A child process runs `up`; it is killed as soon as some pod namespaces exist.
    const code = `import('${new URL('./lab.ts', import.meta.url).href}').then((m) => m.labUp({ labId: '${labId}' }, { enforce: true, objects: JSON.parse(process.env.OBJECTS) }))`;
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '-e', code], {
      env: { ...process.env, OBJECTS: JSON.stringify(many) },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 30_000;
    let seen = 0;
    while (Date.now() < deadline) {
      seen = (await listLabNetns(labId)).filter((n) => /-p\d+$/.test(n)).length;
      if (seen >= 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(seen >= 3, 'the child got far enough to make pod namespaces');
    const report = await labDown({ labId });
    assert.ok(report.removedNetns.length >= 4);
    assert.deepEqual(await listLabNetns(labId), []);
    assert.equal(existsSync(stateDir(labId)), false);
    assert.deepEqual(processesMentioning(stateDir(labId)), [], 'the agent is gone');
  });
});

/** Pids whose command line mentions `text` (the agent runs as `node agent-main.js STATE_DIR`). */
function processesMentioning(text: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) out.push(Number(entry));
    } catch {}
  }
  return out;
}

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { first, loadDocuments } from '@netpol/core';
import type { LabError } from './exec.js';
import { labChange, labDown, labStatus, labUp, requireState } from './lab.js';
import { labCluster, objectKey, storeObject } from './lab-cluster.js';
import { podNetns, stateDir } from './lab-names.js';
import { listLabNetns } from './lab-netns.js';
import { labProbe } from './lab-probe.js';
import { readState, type StoredObject, writeState } from './lab-state.js';
import { liveSkipReason, testLabId } from './lab-test-support.js';

/**
 * The lab under races, kills and hostile files (issue 16, items 1, 2, 4, 6). Root only;
 * each lab has its own id and is removed in an after hook.
 */
const skip = await liveSkipReason();

const pod = (name: string, labels: Record<string, string>, extra: Record<string, unknown> = {}): StoredObject => ({
  key: objectKey('Pod', 'default', name),
  value: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'c', image: 'lab', ports: [{ containerPort: 80 }], ...extra }] },
  },
});
const pods = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => pod(`${prefix}${i}`, { app: prefix }));

describe('lab: two concurrent ups of one lab id (item 1)', { skip }, () => {
  const ctx = { labId: testLabId('hu') };
  before(() => labDown(ctx));
  after(() => labDown(ctx));

  it('exactly one wins; the loser says "already up" and removes nothing of the winner', async () => {
    const big = pods('big', 40);
    const small = pods('small', 2);
    const results = await Promise.allSettled([
      labUp(ctx, { enforce: true, objects: big }),
      labUp(ctx, { enforce: true, objects: small }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    assert.match(String(first(lost).reason?.message), /already up/);
    const status = await labStatus(ctx);
    assert.equal(status.agentAlive, true);
    assert.deepEqual(status.missingNetns, []);
    assert.deepEqual(status.unwiredPods, []);
    assert.equal(
      status.lab.cluster.pods.filter((p) => p.labels.app).length,
      results[0].status === 'fulfilled' ? 40 : 2,
    );
  });
});

describe('lab: files, modes and what down removes (items 4, 6)', { skip }, () => {
  const labId = testLabId('hf');
  const ctx = { labId };
  const dir = stateDir(labId);
  const decoys = [`np-${labId}x-decoy`, `np-${labId}-decoy`];
  before(async () => {
    await labDown(ctx);
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db', labels: { app: 'db' } },
      spec: { containers: [{ name: 'db', image: 'pg', env: [{ name: 'DB_PASSWORD', value: 'S3CRET' }] }] },
    });
    const objects = loadDocuments({ name: 'db.json', text }).value.map(storeObject);
    await labUp(ctx, { enforce: true, objects });
  });
  after(async () => {
    await labDown(ctx);
    for (const d of decoys) spawnSync('ip', ['netns', 'del', d], { stdio: 'ignore' });
  });

  it('keeps the state directory root-only (0700, files 0600) and no env value in it', () => {
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const files = readdirSync(dir).filter((f) => statSync(`${dir}/${f}`).isFile());
    for (const f of ['state.json', 'agent.log', 'dataplane.json', 'netns.journal', 'agent.pid'])
      assert.ok(files.includes(f), f);
    for (const f of files) {
      assert.equal(statSync(`${dir}/${f}`).mode & 0o777, 0o600, f);
      assert.ok(!readFileSync(`${dir}/${f}`, 'utf8').includes('S3CRET'), f);
    }
  });

  it('down removes only the lab\'s own names (not decoys in its journal or state); a {} state is "unreadable"', async () => {
    for (const d of decoys) execFileSync('ip', ['netns', 'add', d]);
    appendFileSync(`${dir}/netns.journal`, decoys.map((d) => `${d}\n`).join(''));
    writeFileSync(`${dir}/state.json`, '{}');
    // The hint names this lab: a bare `netpol lab down` would remove the default lab instead.
    assert.throws(
      () => requireState(ctx),
      (e: LabError) =>
        /unreadable/.test(e.message) && e.hint === `netpol lab down --lab ${labId} removes the lab anyway`,
    );
    const report = await labDown(ctx);
    assert.ok(report.removedNetns.includes(`np-${labId}-node`));
    assert.deepEqual(await listLabNetns(labId), []);
    const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    for (const d of decoys) assert.ok(left.includes(d), `${d} must survive`);
    assert.ok(!report.removedNetns.some((n) => n.includes('NaN')));
  });
});

describe('lab: a change killed half-way (item 2)', { skip }, () => {
  const labId = testLabId('hk');
  const ctx = { labId };
  const dir = stateDir(labId);
  before(async () => {
    await labDown(ctx);
    await labUp(ctx, { enforce: true, objects: [pod('client', { app: 'client' }), pod('web', { app: 'web' })] });
  });
  after(() => labDown(ctx));

  it('status names pods in the state that are not wired; the next change repairs them; probe agrees', async () => {
    // What a SIGKILL between `ip netns add` and the wiring leaves: the pod in the objects and
    // the state, its namespace made, no eth0, no route, no server.
    const state = requireState(ctx);
    const late = pod('late', { app: 'web' });
    state.objects = [...state.objects, late];
    const index = state.nextPodIndex++;
    state.pods['default/late'] = { index, netns: podNetns(labId, index), ip: '198.18.77.7', signature: 'x' };
    execFileSync('ip', ['netns', 'add', podNetns(labId, index)]);
    const ips = labCluster(state.objects).cluster.pods.find((p) => p.id === 'default/late')?.ips ?? [];
    state.pods['default/late'].ip = first(ips);
    writeState(dir, state);
    const broken = await labStatus(ctx);
    assert.deepEqual(broken.unwiredPods, ['default/late']);
    await labChange(ctx, (objects) => objects);
    const repaired = await labStatus(ctx);
    assert.deepEqual(repaired.unwiredPods, []);
    assert.deepEqual(repaired.missingNetns, []);
    const report = await labProbe(readState(dir)!, dir, { timeoutMs: 800 });
    assert.deepEqual(report.disagreements, []);
    assert.ok(report.probes > 0);
  });
});

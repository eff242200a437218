import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { atLeast, first, loadCluster } from '@netpol/core';
import { labDown, labStateDir, labUp, listLabNetns, readState, type StoredObject } from '@netpol/lab';
import { testLabId } from '../../../lab/src/lab-test-support.js';
import { run } from '../run.js';
import { capturingIo, fakeIo, labTestSkip } from '../test-helpers.js';
import { tryCommand } from './lab.js';
import { progressTo } from './lab-progress.js';
import { labelObjects, objectRefs } from './lab-resources.js';

/** The rough edges of issue 16, item 8, as a user meets them. Live parts need root. */
const skip = await labTestSkip(`chku${process.pid % 100000}`);

const pods = (n: number): StoredObject[] =>
  Array.from({ length: n }, (_, i) => ({
    key: `Pod/default/p${i}`,
    value: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p${i}`, namespace: 'default', labels: { app: 'p' } },
      spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] },
    },
  }));

describe('lab UX without a lab', () => {
  it('the hint after up names a pod the lab does not have (examples define test-client)', () => {
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: ['test-client', 'test-client-2'].map((name) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { containers: [{ name: 'c', image: 'x' }] },
      })),
    });
    const { cluster } = loadCluster([{ name: 'x.json', text }]).value;
    assert.match(tryCommand(cluster, { labId: 'lab' }), /^netpol lab run test-client-3 /);
  });

  it("labelling the DNS pod the lab added says it is the lab's own, not 'not found'", async () => {
    const { labCluster } = await import('@netpol/lab');
    const { cluster } = labCluster([]);
    const [outcome] = atLeast(
      labelObjects([], cluster, objectRefs(['pod', 'coredns'], 'kube-system'), { set: { a: 'b' }, remove: [] }, false),
      1,
    );
    assert.equal(outcome.status, 'lab-own');
    assert.match('message' in outcome ? outcome.message : '', /the lab's own DNS server/);
  });

  it('progress is drawn on a terminal and nowhere else', () => {
    const piped = fakeIo();
    assert.equal(progressTo(piped.io), undefined);
    const tty = fakeIo();
    const written: string[] = [];
    tty.io.stderr = { write: (s: string) => void written.push(s), isTTY: true };
    const progress = progressTo(tty.io);
    assert.ok(progress);
    progress('pods wired', 1, 3);
    progress('pods wired', 2, 3); // within 100 ms of the last: skipped
    progress('pods wired', 3, 3); // the end always clears the line
    assert.deepEqual(written, ['\rpods wired 1/3', '\r\u001b[K']);
  });
});

describe('lab UX on a live lab', { skip }, () => {
  const labId = testLabId('ux');
  let dir = '';
  const lab = async (sub: string, ...argv: string[]) => {
    const { io, out } = capturingIo(dir);
    const code = await run(['lab', sub, '--lab', labId, ...argv], io);
    return { code, ...out };
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-labux-'));
    await labDown({ labId });
  });
  after(async () => {
    await labDown({ labId });
    rmSync(dir, { recursive: true, force: true });
  });

  it('Ctrl-C during up stops within a pod or two and leaves nothing', async () => {
    const stop = new AbortController();
    let wired = 0;
    const started = Date.now();
    await assert.rejects(
      labUp(
        {
          labId,
          signal: stop.signal,
          progress: (what, done) => {
            if (what !== 'pods wired') return;
            wired = done;
            if (done === 2) stop.abort();
          },
        },
        { enforce: true, objects: pods(40) },
      ),
    );
    assert.ok(wired >= 2 && wired < 20, `${wired} pods wired before it stopped`);
    assert.ok(Date.now() - started < 30_000);
    assert.deepEqual(await listLabNetns(labId), []);
    assert.equal(readState(labStateDir({ labId })), undefined);
  });

  it('duplicate --outside hosts are refused before anything is made', async () => {
    writeFileSync(join(dir, 'one.json'), JSON.stringify(first(pods(1)).value));
    const r = await lab('up', '-f', 'one.json', '--outside', 'a.com=203.0.113.5', '--outside', 'b.com=203.0.113.5');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /outside hosts a\.com and b\.com have the same address 203\.0\.113\.5/);
    assert.deepEqual(await listLabNetns(labId), []);
  });

  it('apply of what the lab already holds says nothing changed; many outside addresses are one summarized note', async () => {
    const blocks = Array.from({ length: 12 }, (_, i) => ({ ipBlock: { cidr: `203.0.113.${100 + i}/32` } }));
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'out', namespace: 'default' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: blocks }] },
    };
    writeFileSync(
      join(dir, 'app.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [first(pods(1)).value, policy] }),
    );
    const up = await lab('up', '-f', 'app.json');
    assert.equal(up.code, 0, up.stderr);
    const note = up.stderr.split('\n').find((l) => l.startsWith('note: policies name'));
    assert.ok(note, up.stderr);
    assert.match(note, /policies name 12 addresses \(203\.0\.113\.100, 203\.0\.113\.101, 203\.0\.113\.102, \.\.\.\)/);
    assert.ok((note.match(/--outside \S+=/g) ?? []).length <= 4, note);
    const again = await lab('apply', '-f', 'app.json');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /^lab unchanged: every object was already so/m);
    assert.doesNotMatch(again.stderr, /lab synced/);
  });

  it('probe of a port name no pod has says nothing was probed, not that every probe agrees', async () => {
    const r = await lab('probe', '--port', 'nosuch/UDP');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /nothing was probed/);
    assert.doesNotMatch(r.stdout, /every probe agrees/);
  });

  it('exec while the agent is dead says the DNS needs it and how to get it back', async () => {
    const state = readState(labStateDir({ labId }));
    assert.ok(state?.agentPid);
    process.kill(state.agentPid, 'SIGKILL');
    const r = await lab('exec', 'default/p0', '--', 'true');
    assert.match(
      r.stderr,
      /warning: the agent of lab '.*' is not running: the cluster DNS and every pod's ports are down/,
    );
    assert.match(
      r.stderr,
      /^hint: any change starts it again \(netpol lab apply --lab \S+ -f FILE, even of a file already applied/m,
    );
    // As the hint says: a change (of an already-applied file) starts a new agent, and the
    // lab is whole again.
    const again = await lab('apply', '-f', 'app.json');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /the lab agent was not running: starting a new one/);
    const status = await lab('status');
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const exec = await lab('exec', 'default/p0', '--', 'true');
    assert.equal(exec.code, 0);
    assert.doesNotMatch(exec.stderr, /not running/);
  });
});

describe('lab run: two of one name at once', { skip }, () => {
  const labId = testLabId('rn');
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-labrun-'));
    await labDown({ labId });
    await labUp({ labId }, { enforce: true, objects: pods(1) });
  });
  after(async () => {
    await labDown({ labId });
    rmSync(dir, { recursive: true, force: true });
  });

  it('one runs, the other is refused, and the refused one does not remove the running pod', async () => {
    const runOne = async () => {
      const { io, out } = capturingIo(dir);
      const code = await run(['lab', 'run', 'twin', '--lab', labId, '--', 'sleep', '1.5'], io);
      return { code, ...out };
    };
    // Both at once: both pass the early check; the lock decides who makes the pod.
    const results = await Promise.all([runOne(), runOne()]);
    const codes = results.map((r) => r.code).sort();
    assert.deepEqual(codes, [0, 2], results.map((r) => r.stderr).join('\n'));
    const refused = results.find((r) => r.code === 2);
    assert.match(refused?.stderr ?? '', /pod default\/twin already exists in the lab/);
    assert.ok(
      !readState(labStateDir({ labId }))?.objects.some((o) => o.key === 'Pod/default/twin'),
      'removed at its end',
    );
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { at, type ClusterModel, loadCluster } from '@netpol/core';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import {
  applyChange,
  conformanceNodes,
  type Json,
  type Poke,
  type UpstreamTest,
} from '../../core/src/conformance/upstream-steps.js';
import { mapLimit } from './exec.js';
import { labChange, labDown, labUp } from './lab.js';
import { labCluster, storeObject } from './lab-cluster.js';
import { type ConnectTarget, connectRechecked, destination, outcomeAllowed, sourceNetns } from './lab-connect.js';
import { DEFAULT_OUTSIDE_HOSTS, stateDir } from './lab-names.js';
import { type LabState, readState, type StoredObject } from './lab-state.js';
import { liveSkipReason, testLabId } from './lab-test-support.js';

/**
 * Upstream's conformance suites (network-policy-api v0.1.8 ANP/BANP and main CNP, transcribed
 * in packages/core/src/conformance/upstream/) on real packets: #14's "done when". One lab per
 * suite, brought up once with the suite's pods; each upstream test is a `lab apply` of its
 * manifests (and Nodes for the host-network pods, as the engine test adds them), each patch
 * another `lab apply`, and each run of pokes between two changes one batch: every source pod
 * opens its connections at once, eight sources at a time, as `lab probe` does. A poke is
 * allowed when the destination answered at all (connected, refused), denied when it timed
 * out; the timeouts where the suite expects an answer are asked again, together, with a
 * longer timeout (a busy machine: `connectRechecked`).
 * SCTP pokes, which this kernel has no sockets for, are raw INIT packets (sctp-probe-helper.py):
 * answered (ICMP unreachable quoting them, or INIT ACK/ABORT) = allowed; without python3 they
 * are counted and reported as not made.
 */

const HERE = fileURLToPath(new URL('../../core/src/conformance/upstream/', import.meta.url));
const TIMEOUT_MS = 700;
/** Sources probing at once, as `lab probe` does: each is a process (2 cores, other labs). */
const SOURCES_AT_ONCE = 8;

const skip = await liveSkipReason();
const HAS_PYTHON = spawnSync('python3', ['--version']).status === 0;

function readObjects(version: string, file: string): Json[] {
  return parseAllDocuments(readFileSync(`${HERE}${version}/${file}`, 'utf8'))
    .map((doc) => doc.toJS() as Json | null)
    .filter((o): o is Json => o !== null);
}

/** Objects as `lab apply -f` stores them. */
function stored(objects: readonly Json[]): StoredObject[] {
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
  const loaded = loadCluster([{ name: 'conformance.json', text }]);
  assert.ok(loaded.ok, loaded.issues.map((i) => `${i.object}: ${i.message}`).join('\n'));
  return loaded.value.objects.map(storeObject);
}

interface Pending {
  label: string;
  poke: Poke;
}

class SuiteLab {
  readonly labId: string;
  private state?: LabState;
  private cluster?: ClusterModel;
  pokes = 0;
  sctpMade = 0;
  sctpNotMade = 0;
  retried = 0;

  constructor(
    readonly version: string,
    tag: string,
  ) {
    this.labId = testLabId(tag);
  }

  async up(base: Json[]): Promise<Json[]> {
    await labDown({ labId: this.labId });
    await labUp({ labId: this.labId }, { enforce: true, objects: stored(base), outside: DEFAULT_OUTSIDE_HOSTS });
    this.read();
    return conformanceNodes(this.cluster as ClusterModel);
  }

  private read(): void {
    this.state = readState(stateDir(this.labId)) ?? undefined;
    assert.ok(this.state, `lab ${this.labId} has no state`);
    this.cluster = labCluster(this.state.objects).cluster;
  }

  async apply(objects: readonly Json[]): Promise<void> {
    const next = stored(objects);
    await labChange({ labId: this.labId }, () => next);
    this.read();
  }

  podIp(id: string): string {
    const pod = this.cluster?.pods.find((p) => p.id === id);
    assert.ok(pod, `no pod ${id} in the lab`);
    return pod.ips[0] as string;
  }

  /** Every poke of the batch on real packets; the mismatches, worded. */
  async run(batch: readonly Pending[]): Promise<string[]> {
    const state = this.state as LabState;
    const cluster = this.cluster as ClusterModel;
    const bySource = new Map<string, { pending: Pending; target: ConnectTarget }[]>();
    for (const pending of batch) {
      const { poke } = pending;
      if (poke.protocol === 'SCTP' && !HAS_PYTHON) {
        this.sctpNotMade++;
        continue;
      }
      if (poke.protocol === 'SCTP') this.sctpMade++;
      const netns = sourceNetns(cluster, state, poke.from);
      const target = destination(cluster, poke.to, `${poke.port}/${poke.protocol}`);
      bySource.set(netns, [...(bySource.get(netns) ?? []), { pending, target }]);
    }
    const dir = stateDir(this.labId);
    const results = await mapLimit([...bySource], SOURCES_AT_ONCE, async ([netns, list]) => {
      const { outcomes, rechecked } = await connectRechecked(
        dir,
        netns,
        list.map((x) => x.target),
        list.map((x) => x.pending.poke.allowed),
        { timeoutMs: TIMEOUT_MS, oneAtATime: !HAS_PYTHON },
      );
      this.retried += rechecked;
      return list.flatMap(({ pending, target }, k) => {
        this.pokes++;
        const outcome = at(outcomes, k);
        if (outcomeAllowed(outcome) === pending.poke.allowed) return [];
        const { poke } = pending;
        return [
          `${pending.label}: ${poke.from} -> ${poke.to} ${poke.port}/${poke.protocol} (${target.ip}): observed ${outcome}, expected ${poke.allowed ? 'allowed' : 'denied'}`,
        ];
      });
    });
    return results.flat();
  }
}

// Both suites at once (two labs): the time goes mostly to waiting for dropped packets.
describe('upstream conformance on real packets', { skip, concurrency: 2 }, () => {
  for (const [version, tag] of [
    ['v0.1.8', 'cv1'],
    ['main', 'cv2'],
  ] as const) {
    const data = parseYaml(readFileSync(`${HERE}${version}/cases.yaml`, 'utf8')) as { tests: UpstreamTest[] };
    const base = readObjects(version, 'base/manifests.yaml');
    describe(`upstream conformance ${version} on real packets`, { concurrency: 1 }, () => {
      const lab = new SuiteLab(version, tag);
      let nodes: Json[] = [];
      let started = Date.now();
      before(async () => {
        started = Date.now();
        nodes = await lab.up(base);
      });
      after(async () => {
        await labDown({ labId: lab.labId });
        process.stderr.write(
          `# upstream conformance ${version}: ${lab.pokes} pokes on real packets (${lab.sctpMade} of them SCTP, by raw packets; ${lab.retried} asked again), ${lab.sctpNotMade} SCTP pokes not made (no python3), ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
      });
      for (const test of data.tests) {
        it(`${test.name} (${test.source})`, async (t) => {
          let objects: Json[] = structuredClone([
            ...base,
            ...test.manifests.flatMap((m) => readObjects(version, m)),
            ...nodes,
          ]);
          await lab.apply(objects);
          const mismatches: string[] = [];
          let batch: Pending[] = [];
          let pokes = 0;
          const flush = async () => {
            mismatches.push(...(await lab.run(batch)));
            batch = [];
          };
          for (const sub of test.subtests) {
            if (sub.skip) continue;
            for (const step of sub.steps) {
              if ('poke' in step) {
                batch.push({ label: `${sub.source} "${sub.name}"`, poke: step.poke });
                pokes++;
                continue;
              }
              await flush();
              objects = applyChange(objects, step, (id) => lab.podIp(id));
              await lab.apply(objects);
            }
          }
          await flush();
          t.diagnostic(`${pokes} pokes`);
          assert.deepEqual(mismatches, []);
          assert.ok(pokes > 0 || test.subtests.every((s) => s.skip), 'every test that runs pokes something');
        });
      }
    });
  }
});

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { at, cidrContainsIp, first, loadCluster, loadDocuments, parseCidr, parseIp } from '@netpol/core';
import { mapLimit } from './exec.js';
import { labChange, labDown, labUp } from './lab.js';
import { applyObjects, deleteObjects, labCluster, storeObject } from './lab-cluster.js';
import { type ConnectTarget, connectRechecked, destination, outcomeAllowed, sourceNetns } from './lab-connect.js';
import { DEFAULT_OUTSIDE_HOSTS, type OutsideHost, stateDir } from './lab-names.js';
import { readState, type StoredObject } from './lab-state.js';
import { liveSkipReason, testLabId } from './lab-test-support.js';

/**
 * Every examples/<lab>/expect.yaml verdict, by real connections on the lab (format: examples/README.md):
 * stages applied in order with `lab apply`/`lab delete` semantics, each case one connection
 * (allowed = the destination answered at all, denied = timed out). Cases marked `lab: false`
 * use addresses outside the lab's ranges and are left to the engine tests.
 */
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const OUTSIDE = parseCidr('203.0.113.0/24')!;

interface Case {
  from: string;
  to: string;
  port: string | number;
  allowed: boolean;
  why?: string;
  lab?: boolean;
}
interface Stage {
  name: string;
  apply?: string[];
  delete?: string[];
  cases?: Case[];
}

const dirs = existsSync(EXAMPLES)
  ? readdirSync(EXAMPLES)
      .filter((d) => existsSync(`${EXAMPLES}${d}/expect.yaml`))
      .sort()
  : [];
const skip = (await liveSkipReason()) ?? (dirs.length === 0 ? 'no examples/*/expect.yaml in this checkout' : undefined);

function readExpect(dir: string): Stage[] {
  const text = readFileSync(`${EXAMPLES}${dir}/expect.yaml`, 'utf8');
  const docs = loadDocuments({ name: 'expect.yaml', text });
  return (first(docs.value).value as { stages: Stage[] }).stages;
}

function objectsOf(dir: string, files: readonly string[]): StoredObject[] {
  const sources = files.map((f) => ({ name: f, text: readFileSync(`${EXAMPLES}${dir}/${f}`, 'utf8') }));
  const result = loadCluster(sources);
  assert.ok(result.ok, `${dir}: ${files.join(', ')} do not load`);
  return result.value.objects.map(storeObject);
}

/** Outside hosts the cases name (every lab also has example.com). */
function outsideHosts(stages: readonly Stage[]): OutsideHost[] {
  const hosts = [...DEFAULT_OUTSIDE_HOSTS];
  for (const c of stages.flatMap((s) => s.cases ?? [])) {
    for (const ep of [c.from, c.to]) {
      const ip = parseIp(ep);
      if (ip && cidrContainsIp(OUTSIDE, ip) && !hosts.some((h) => h.ip === ep)) {
        hosts.push({ name: `host-${ep.replaceAll('.', '-')}`, ip: ep });
      }
    }
  }
  return hosts;
}

describe('examples: expect.yaml verdicts by real connections', { skip, concurrency: 3 }, () => {
  const ids: string[] = [];
  after(async () => {
    for (const labId of ids) await labDown({ labId });
  });
  dirs.forEach((dir, n) => {
    it(dir, async () => {
      const labId = testLabId(`e${n}`);
      ids.push(labId);
      const stages = readExpect(dir);
      await labDown({ labId });
      const mismatches: string[] = [];
      let checked = 0;
      for (const [i, stage] of stages.entries()) {
        const add = objectsOf(dir, stage.apply ?? []);
        const remove = objectsOf(dir, stage.delete ?? []);
        if (i === 0) {
          await labUp({ labId }, { enforce: true, objects: deleteObjects(add, remove), outside: outsideHosts(stages) });
        } else {
          await labChange({ labId }, (objects) => deleteObjects(applyObjects(objects, add), remove));
        }
        const state = readState(stateDir(labId))!;
        const { cluster } = labCluster(state.objects);
        const bySource = new Map<string, { c: Case; target: ConnectTarget }[]>();
        for (const c of stage.cases ?? []) {
          // SCTP too: connectFrom sends it as raw INIT packets.
          if (c.lab === false) continue;
          const netns = sourceNetns(cluster, state, c.from);
          const target = destination(cluster, c.to, c.port);
          bySource.set(netns, [...(bySource.get(netns) ?? []), { c, target }]);
        }
        // Eight sources at a time, as `lab probe` does; a timeout where an answer is expected
        // is asked again, slower (a busy machine).
        await mapLimit([...bySource], 8, async ([netns, list]) => {
          const { outcomes } = await connectRechecked(
            stateDir(labId),
            netns,
            list.map((x) => x.target),
            list.map((x) => x.c.allowed),
            { timeoutMs: 700 },
          );
          list.forEach(({ c, target }, k) => {
            checked++;
            if (outcomeAllowed(at(outcomes, k)) !== c.allowed) {
              mismatches.push(
                `stage ${stage.name}: ${c.from} -> ${c.to} ${c.port} (${target.ip}:${target.port}/${target.protocol}): observed ${outcomes[k]}, expected ${c.allowed ? 'allowed' : 'denied'} (${c.why ?? ''})`,
              );
            }
          });
        });
      }
      await labDown({ labId });
      assert.deepEqual(mismatches, []);
      assert.ok(checked > 0 || stages.every((s) => (s.cases ?? []).every((c) => c.lab === false)));
    });
  });
});

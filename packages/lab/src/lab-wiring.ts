import { at } from '@netpol/core';
import { exec } from './exec.js';
import { nodeNetns, nodeVeth } from './lab-names.js';
import { listLabNetns } from './lab-netns.js';
import type { LabState } from './lab-state.js';

/**
 * Which pods of the state are really wired: their namespace exists, the node routes their
 * address to their veth (the last step of `attach`, after the pod side is done) and the
 * agent serves them. A change killed half-way (SIGKILL between `ip netns add` and the node
 * route) leaves pods in the state that are none of these; `sync` re-creates them and
 * `lab status` names them.
 */
export async function unwiredPods(labId: string, state: LabState, serving: ReadonlySet<string>): Promise<string[]> {
  const present = new Set(await listLabNetns(labId));
  const routes = await nodeRoutes(labId);
  return Object.entries(state.pods)
    .filter(
      ([id, pod]) => !present.has(pod.netns) || routes.get(pod.ip) !== nodeVeth('pod', pod.index) || !serving.has(id),
    )
    .map(([id]) => id)
    .sort();
}

/** Address → device of the node's routes (`198.18.1.2 dev vp3 scope link`). */
async function nodeRoutes(labId: string): Promise<Map<string, string>> {
  const out = await exec('ip', ['-n', nodeNetns(labId), '-4', 'route', 'show']);
  const routes = new Map<string, string>();
  for (const line of out.stdout.split('\n')) {
    const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/32)? dev (\S+)/.exec(line);
    if (m) routes.set(at(m, 1), at(m, 2));
  }
  return routes;
}

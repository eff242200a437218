import { first, NAMESPACE_NAME_LABEL } from '@netpol/core';
import { type LabContext, labStateDir, labStatus } from '@netpol/lab';
import type { Io } from '../io.js';
import { labFlag } from './lab-flag.js';

/** `netpol lab status`: pods with their addresses, namespaces and labels, Services, policies, outside hosts. */

export async function status(ctx: LabContext, options: { output: 'text' | 'json' }, io: Io): Promise<number> {
  const st = await labStatus(ctx);
  const { state, lab: lc } = st;
  const pods = lc.cluster.pods.map((p) => ({
    id: p.id,
    workload: p.workload?.id ?? null,
    ip: first(p.ips),
    netns: state.pods[p.id]?.netns ?? null,
    labels: p.labels,
  }));
  if (options.output === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        {
          lab: ctx.labId,
          enforce: state.enforce,
          agent: st.agentAlive,
          stateDir: labStateDir(ctx),
          pods,
          services: lc.cluster.services.map((s) => ({ id: s.id, clusterIP: s.clusterIP ?? null })),
          policies: lc.cluster.policies.map((p) => p.id),
          namespaces: [...lc.cluster.namespaces.values()]
            .map((n) => ({ name: n.name, labels: n.labels }))
            .sort((a, b) => (a.name < b.name ? -1 : 1)),
          outside: state.outside.map((o) => ({ name: o.name, ip: o.ip, netns: o.netns })),
          missingNetns: st.missingNetns,
          podsWithoutNetns: st.podsWithoutNetns,
          unwiredPods: st.unwiredPods,
          interrupted: st.interrupted,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const w = Math.max(10, ...pods.map((p) => p.id.length));
    io.stdout.write(
      `lab '${ctx.labId}' (${state.enforce ? 'enforcing' : 'NOT enforcing'} NetworkPolicy), agent ${st.agentAlive ? 'running' : 'NOT running'}, up since ${state.createdAt}\n`,
    );
    // As `kubectl get pods -o wide --show-labels` and `get namespaces --show-labels`: the
    // labels are what the policies select on.
    const showLabels = (labels: Readonly<Record<string, string>>, skip?: string) =>
      Object.entries(labels)
        .filter(([k]) => k !== skip)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '-';
    const nw = Math.max(8, ...pods.map((p) => (p.netns ?? '-').length));
    io.stdout.write(`${'POD'.padEnd(w)}  ${'IP'.padEnd(15)}  ${'NETNS'.padEnd(nw)}  LABELS\n`);
    for (const p of pods) {
      io.stdout.write(
        `${p.id.padEnd(w)}  ${p.ip.padEnd(15)}  ${(p.netns ?? '-').padEnd(nw)}  ${showLabels(p.labels)}\n`,
      );
    }
    for (const n of [...lc.cluster.namespaces.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      io.stdout.write(`namespace ${n.name} ${showLabels(n.labels, NAMESPACE_NAME_LABEL)}\n`);
    }
    for (const s of lc.cluster.services) io.stdout.write(`service ${s.id} ${s.clusterIP ?? '(headless)'}\n`);
    for (const p of lc.cluster.policies) io.stdout.write(`policy ${p.id}\n`);
    for (const o of state.outside) io.stdout.write(`outside ${o.name} ${o.ip}\n`);
    if (st.missingNetns.length) io.stdout.write(`missing namespaces: ${st.missingNetns.join(', ')}\n`);
    if (st.unwiredPods.length)
      io.stdout.write(`pods not wired (no link, route or server): ${listSome(st.unwiredPods)}\n`);
    if (st.podsWithoutNetns.length) io.stdout.write(`pods without a namespace: ${listSome(st.podsWithoutNetns)}\n`);
    if (st.busyPid !== undefined) io.stdout.write(`being changed right now by process ${st.busyPid}\n`);
  }
  if (st.interrupted) {
    io.stderr.write(
      `netpol: a lab up/apply/run of lab '${ctx.labId}' was interrupted before the lab matched its objects\nhint: netpol lab down${labFlag(ctx)}, then lab up again\n`,
    );
  }
  const busy = st.busyPid !== undefined;
  const settled = busy || (st.podsWithoutNetns.length === 0 && st.unwiredPods.length === 0);
  if (!busy && !st.interrupted && (st.unwiredPods.length > 0 || st.podsWithoutNetns.length > 0)) {
    io.stderr.write(
      `netpol: ${st.unwiredPods.length + st.podsWithoutNetns.length} pods of lab '${ctx.labId}' are not wired\nhint: the next netpol lab apply${labFlag(ctx)} repairs them (or lab down, then lab up)\n`,
    );
  }
  return st.agentAlive && st.missingNetns.length === 0 && !st.interrupted && settled ? 0 : 1;
}

/** The first few of a long list, and how many more. */
function listSome(items: readonly string[], shown = 10): string {
  return items.length <= shown
    ? items.join(', ')
    : `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}

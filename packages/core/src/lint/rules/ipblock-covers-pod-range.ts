import { listSome, peerWords, plural } from '../../format/words.js';
import type { EndpointSample } from '../../matrix/endpoint-samples.js';
import { parseCidr } from '../../model/cidr.js';
import type { PodModel } from '../../model/types.js';
import { type IpBlockPeerAt, ipBlockPeers, peerPath } from '../rule-helpers.js';
import { allSteps, StepWork } from '../rule-steps.js';
import type { LintContext, LintReport, LintRule } from '../types.js';

/**
 * ipBlock is meant for addresses outside the cluster ("these should be cluster-external IPs,
 * since Pod IPs are ephemeral and unpredictable"). A block that contains pod addresses
 * admits those pods by address, which breaks when they restart and which CNIs treat
 * differently. `0.0.0.0/0` ("anywhere") is usually deliberate: info.
 */
export const ipblockCoversPodRange: LintRule = {
  id: 'ipblock-covers-pod-range',
  severity: 'warning',
  summary: 'an ipBlock contains pod addresses, so it admits pods by IP',
  help: 'ipBlock is meant for cluster-external addresses: pod IPs change when pods are recreated, and whether ipBlock matches pod-to-pod traffic differs between CNIs. Select pods with podSelector/namespaceSelector instead, and add the pod CIDR to `except` when the block means "outside the cluster" (e.g. cidr: 0.0.0.0/0, except: [10.0.0.0/8]).',
  check: allSteps(coversSteps),
  steps: coversSteps,
};

/** The rule's work, a step at a time: ipBlock peers in chunks (a unit: a peer, and forty endpoints of a block looked up). */
function* coversSteps(ctx: LintContext, report: (finding: LintReport) => void): Generator<void, void, void> {
  const { cluster, endpoints, peerEndpoints } = ctx;
  const work = new StepWork(ctx.stepWork);
  // When the input gives real pod addresses (status.podIP, as `kubectl get pods -o yaml`
  // does), the addresses netpol made up for the other pods say nothing about that cluster.
  const observed = new Set(endpoints.filter((e) => hasObservedIp(e.pod)));
  // The pods of each distinct block, counted and named once (30,000 policies share few blocks).
  const coveredBy = new Map<readonly EndpointSample[], { count: number; names: string }>();
  for (const found of ipBlockPeers(cluster)) {
    if (work.full()) yield;
    work.add(1);
    const inBlock = peerEndpoints(found.policy, found.peer);
    let covered = coveredBy.get(inBlock);
    if (!covered) {
      work.add(inBlock.length / 40);
      const pods = observed.size > 0 ? inBlock.filter((e) => observed.has(e)) : inBlock;
      covered = { count: pods.length, names: listSome(pods.map((e) => e.id)) };
      coveredBy.set(inBlock, covered);
    }
    if (covered.count === 0) continue;
    report(coversFinding(found, covered));
  }
}

/** The finding on an ipBlock peer that holds `covered.count` pods' addresses (`covered.names`: `listSome` of their ids). */
export function coversFinding(
  { policy, rule, peer, object }: IpBlockPeerAt,
  covered: { count: number; names: string },
): LintReport {
  const everywhere = parseCidr(peer.cidr)?.prefix === 0;
  return {
    object,
    path: [...peerPath(rule, peer), 'ipBlock', 'cidr'],
    severity: everywhere ? 'info' : 'warning',
    message: `${peerWords(peer, policy.namespace)} contains the addresses of ${plural(covered.count, 'pod')} (${covered.names}), so it ${rule.direction === 'ingress' ? 'admits traffic from' : 'allows traffic to'} them by IP; ${everywhere ? 'if you meant only outside the cluster, add the pod CIDR to except' : 'select pods with podSelector/namespaceSelector instead, or add their range to except'}`,
  };
}

/** The pod's address comes from its manifest's status (podIP/podIPs), not from netpol's assignment. */
function hasObservedIp(pod: PodModel): boolean {
  const object = pod.origin?.object;
  if (object?.kind !== 'Pod') return false;
  const status = object.value.status as { podIP?: unknown; podIPs?: unknown } | undefined;
  return typeof status?.podIP === 'string' || (Array.isArray(status?.podIPs) && status.podIPs.length > 0);
}

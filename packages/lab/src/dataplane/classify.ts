import { at, type ClusterModel, type Labels, type PodModel, podAddress } from '@netpol/core';
import type { DirectionClassSource } from './class-state.js';
import { ipv4ToNumber } from './ipv4.js';
import { LayeredMap } from './layered-map.js';
import { groupInfo, segmentOf } from './plan-context.js';
import type { CompiledRule, DirectionContext, NamedPorts, PeerClass, Profiles, SubjectClass } from './plan-types.js';
import { namedKey, namedPortsOf, portsOf } from './ports.js';

// Classifying pods into subject and peer classes, and pairs of classes into verdicts: shared
// by the full planner (plan.ts) and the incremental one (plan-changes.ts).

export const NO_PORTS: NamedPorts = new Map();

export interface AddressedPod {
  pod: PodModel;
  ip: string;
  address: number;
}

/** The pods the dataplane can address: an IPv4 primary address no earlier pod has. */
export function addressedPods(cluster: ClusterModel): {
  pods: AddressedPod[];
  podIds: Map<string, string>;
  skipped: string[];
} {
  const pods: AddressedPod[] = [];
  const skipped: string[] = [];
  const podIds = new Map<string, string>();
  for (const pod of cluster.pods) {
    const ip = podAddress(pod);
    const address = ip === undefined ? undefined : ipv4ToNumber(ip);
    if (ip === undefined || address === undefined || podIds.has(ip)) {
      skipped.push(pod.id);
      continue;
    }
    podIds.set(ip, pod.id);
    pods.push({ pod, ip, address });
  }
  return { pods, podIds, skipped };
}

/** Labels as a key independent of their order (pods with equal keys match the same selectors). */
export function labelKeyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Class tables with id counters; a layer over a previous plan's when reusing. */
export class ClassTables {
  readonly subjects: LayeredMap<string, SubjectClass>;
  readonly peers: LayeredMap<string, PeerClass>;
  private nextSubject: number;
  private nextPeer: number;
  readonly newSubjects: SubjectClass[] = [];
  readonly newPeers: PeerClass[] = [];

  constructor(reuse?: DirectionClassSource) {
    this.subjects = LayeredMap.over(reuse?.subjectClasses ?? new Map());
    this.peers = LayeredMap.over(reuse?.peerClasses ?? new Map());
    this.nextSubject = 1;
    for (const c of this.subjects.values()) this.nextSubject = Math.max(this.nextSubject, c.id + 1);
    this.nextPeer = 1;
    for (const c of this.peers.values()) this.nextPeer = Math.max(this.nextPeer, c.id + 1);
  }

  subject(policies: readonly number[], named: NamedPorts): number {
    const key = `${policies.join(',')}|${namedKey(named)}`;
    let c = this.subjects.get(key);
    if (!c) {
      c = { id: this.nextSubject++, policies, named };
      this.subjects.set(key, c);
      this.newSubjects.push(c);
    }
    return c.id;
  }

  peer(tests: readonly number[], named: NamedPorts): number {
    const key = `${tests.join(',')}|${namedKey(named)}`;
    let c = this.peers.get(key);
    if (!c) {
      c = { id: this.nextPeer++, tests, named };
      this.peers.set(key, c);
      this.newPeers.push(c);
    }
    return c.id;
  }
}

/** A pod's classes in one direction (its group's tests and policies are cached by content). */
export function classifyPod(
  context: DirectionContext,
  tables: ClassTables,
  pod: PodModel,
  address: number,
  groupKey: string,
): { subject?: number; peer: number } {
  const info = groupInfo(context, pod.namespace, pod.labels, groupKey);
  const segment = segmentOf(context, address);
  const named = context.namedRefs.size > 0 ? namedPortsOf(pod, context.namedRefs) : NO_PORTS;
  const blockTests = at(context.segmentTests, segment);
  const peerTests = blockTests.length === 0 ? info.tests : [...info.tests, ...blockTests].sort((a, b) => a - b);
  return {
    subject: info.policies
      ? tables.subject(info.policies, context.direction === 'ingress' ? named : NO_PORTS)
      : undefined,
    peer: tables.peer(peerTests, context.direction === 'egress' ? named : NO_PORTS),
  };
}

/** The verdict of the rules admitting a pair: 'all', a port profile id, or none. */
export function verdictOf(
  context: DirectionContext,
  profiles: Profiles,
  rules: readonly CompiledRule[],
  subject: SubjectClass,
  peer: PeerClass,
): 'all' | number | undefined {
  // Named ports resolve on the destination: the subject for ingress, the peer for egress.
  const holder = context.direction === 'ingress' ? subject : peer;
  const named = rules.some((r) => r.ports !== 'all' && r.ports.some((p) => typeof p.port === 'string'));
  const memoKey = `${rules.map((r) => context.ruleIds.get(r)).join(',')}|${named ? namedKey(holder.named) : ''}`;
  let memo = context.profileMemo.get(memoKey);
  if (!context.profileMemo.has(memoKey)) {
    memo = portsOf(rules, holder.named);
    context.profileMemo.set(memoKey, memo);
  }
  if (memo === undefined || memo === 'all') return memo;
  let profile = profiles.get(memo.key);
  if (!profile) {
    // Profiles are never dropped (reuse copies them all), so ids are 1..size.
    profile = { id: profiles.size + 1, ranges: memo.ranges };
    profiles.set(memo.key, profile);
  }
  return profile.id;
}

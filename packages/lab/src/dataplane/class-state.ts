import type { DataplanePlan, DirectionPlan, PortRange, Profiles } from './plan-types.js';

/** What planning on earlier classes needs: a plan, or a class state read back from a file. */
export type DirectionClassSource = Pick<DirectionPlan, 'subjectClasses' | 'peerClasses'>;
export interface ClassSource {
  policyKey: string;
  profiles: Profiles;
  egress: DirectionClassSource;
  ingress: DirectionClassSource;
  /** The admin tier classes (tier-plan.ts), when the plan had admin tier policies. */
  tiers?: { egress: DirectionClassSource; ingress: DirectionClassSource };
}

/**
 * A plan's class ids and port profiles as JSON data. With the same cluster,
 * `planDataplane(cluster, classSourceOf(state))` rebuilds exactly the plan that was applied
 * (even one reached by incremental updates), so another process can continue from it.
 */
export interface ClassState {
  version: 1;
  policyKey: string;
  profiles: [string, number, PortRange[]][];
  egress: DirectionClassState;
  ingress: DirectionClassState;
  tiers?: { egress: DirectionClassState; ingress: DirectionClassState };
}
interface DirectionClassState {
  subjects: [string, number, number[], [string, number[]][]][];
  peers: [string, number, number[], [string, number[]][]][];
}

export function classStateOf(plan: DataplanePlan): ClassState {
  const direction = (d: DirectionClassSource): DirectionClassState => ({
    subjects: [...d.subjectClasses].map(([k, c]) => [
      k,
      c.id,
      [...c.policies],
      [...c.named].map(([n, v]) => [n, [...v]]),
    ]),
    peers: [...d.peerClasses].map(([k, c]) => [k, c.id, [...c.tests], [...c.named].map(([n, v]) => [n, [...v]])]),
  });
  return {
    version: 1,
    policyKey: plan.policyKey,
    profiles: [...plan.profiles].map(([k, p]) => [k, p.id, [...p.ranges]]),
    egress: direction(plan.egress),
    ingress: direction(plan.ingress),
    ...(plan.tiers ? { tiers: { egress: direction(plan.tiers.egress), ingress: direction(plan.tiers.ingress) } } : {}),
  };
}

export function classSourceOf(state: ClassState): ClassSource {
  const direction = (d: DirectionClassState): DirectionClassSource => ({
    subjectClasses: new Map(d.subjects.map(([k, id, policies, named]) => [k, { id, policies, named: new Map(named) }])),
    peerClasses: new Map(d.peers.map(([k, id, tests, named]) => [k, { id, tests, named: new Map(named) }])),
  });
  return {
    policyKey: state.policyKey,
    profiles: new Map(state.profiles.map(([k, id, ranges]) => [k, { id, ranges }])),
    egress: direction(state.egress),
    ingress: direction(state.ingress),
    ...(state.tiers
      ? { tiers: { egress: direction(state.tiers.egress), ingress: direction(state.tiers.ingress) } }
      : {}),
  };
}

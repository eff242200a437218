import type { AdminAction, AdminPolicyModel } from '../model/admin-types.js';
import type { ClusterModel, Direction, PodModel, PolicyModel, Protocol } from '../model/types.js';

/**
 * The engine contract. The reference engine (reasons, one pair at a time), the fast matrix
 * engine (bitsets over equivalence classes) and the deliberately naive evaluator all answer
 * the same question, so tests and tools can swap them.
 */

/** A port as asked: a number, or a name resolved on the destination pod's container ports. */
export interface PortQuery {
  protocol: Protocol;
  port: number | string;
}

/** One side of a connection as the engine sees it. */
export type Peer = { kind: 'pod'; pod: PodModel } | { kind: 'external'; ip: string };

export interface RuleRef {
  policy: PolicyModel;
  direction: Direction;
  /** Index into `spec.ingress` / `spec.egress`. */
  ruleIndex: number;
  /** Index of the first matching peer in `from`/`to` (absent when the rule admits every peer). */
  peerIndex?: number;
  /** Index of the first matching entry in `ports` (absent when the rule admits every port). */
  portIndex?: number;
}

/** An admin or baseline tier rule (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy). */
export interface AdminRuleRef {
  policy: AdminPolicyModel;
  direction: Direction;
  /** Index into `spec.ingress` / `spec.egress`. */
  ruleIndex: number;
  action: AdminAction;
  /** Index of the first matching peer in `from`/`to`. */
  peerIndex: number;
  /** Index of the first matching entry in `ports`/`protocols` (absent when the rule has none). */
  portIndex?: number;
}

/**
 * The tier that decided a side (docs/admin-tiers.md): an admin tier rule, the NetworkPolicies
 * isolating the pod, a baseline tier rule, or the default (allowed).
 */
export type DecidingTier = 'admin' | 'networkpolicy' | 'baseline' | 'default';

export interface SideVerdict {
  direction: Direction;
  /** False when this side is an external address: it has no policy side and allows. */
  applies: boolean;
  /** Some policy selects the pod with this direction in its (defaulted) policyTypes. */
  isolated: boolean;
  /** The policies that isolate the pod for this direction, sorted by id. */
  selectedBy: PolicyModel[];
  /** Every rule that admits the connection (empty when denied, or when not isolated). */
  allowedBy: RuleRef[];
  allowed: boolean;
  /** Which tier decided; set only when the cluster has admin tier policies. */
  tier?: DecidingTier;
  /** The admin or baseline rule that decided (tier `admin` or `baseline`). */
  adminRule?: AdminRuleRef;
  /** The Pass rules that sent the connection on to the next tier, in order. */
  passedBy?: AdminRuleRef[];
}

export type VerdictNote =
  /** Source and destination are the same pod: always allowed. */
  | 'self'
  /** A named port was asked and the destination has no container port of that name and protocol. */
  | 'named-port-unresolved'
  /** Both sides are outside addresses: no policy side at all (the matrix prints null). */
  | 'external-to-external';

export interface Verdict {
  allowed: boolean;
  /** The source's egress side. */
  egress: SideVerdict;
  /** The destination's ingress side. */
  ingress: SideVerdict;
  /** The destination port number after named-port resolution, when it resolved. */
  port?: number;
  note?: VerdictNote;
}

export interface Engine {
  readonly cluster: ClusterModel;
  check(source: Peer, destination: Peer, port: PortQuery): Verdict;
}

import type { Direction, LabelSelectorModel, Labels, Origin, Protocol } from './model-primitives.js';

/**
 * The admin tiers of policy.networking.k8s.io (docs/admin-tiers.md): ClusterNetworkPolicy
 * v1alpha2 and AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1, one model for both
 * versions. Actions keep the word the policy was written with (`Allow` in v1alpha1, `Accept`
 * in v1alpha2); `effect` is what it does.
 */

export type AdminPolicyKind = 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';

export const ADMIN_POLICY_KINDS: readonly AdminPolicyKind[] = [
  'ClusterNetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
];

export function isAdminPolicyKind(kind: string): kind is AdminPolicyKind {
  return (ADMIN_POLICY_KINDS as readonly string[]).includes(kind);
}

/** The tier a policy sits in: before NetworkPolicy (`admin`) or after it (`baseline`). */
export type AdminTier = 'admin' | 'baseline';

export type AdminAction = 'Accept' | 'Allow' | 'Deny' | 'Pass';
export type AdminEffect = 'allow' | 'deny' | 'pass';

export function effectOf(action: AdminAction): AdminEffect {
  return action === 'Deny' ? 'deny' : action === 'Pass' ? 'pass' : 'allow';
}

/** `namespaces` = every pod of the selected namespaces; `pods` = namespaceSelector AND podSelector. */
export type AdminSelection =
  | { kind: 'namespaces'; namespaceSelector: LabelSelectorModel }
  | { kind: 'pods'; namespaceSelector: LabelSelectorModel; podSelector: LabelSelectorModel };

export type AdminPeerModel =
  | (AdminSelection & { index: number })
  /** CIDRs; they match pod addresses too. */
  | { kind: 'networks'; cidrs: readonly string[]; index: number }
  /** Node addresses (`status.addresses` of the selected `kind: Node` objects). */
  | { kind: 'nodes'; nodeSelector: LabelSelectorModel; index: number }
  /** FQDNs, exact or `*.` wildcard (egress, Accept/Allow only). */
  | { kind: 'domainNames'; names: readonly string[]; index: number };

export interface AdminPortModel {
  /** Absent only for a named port: the destination's container port of that name, any protocol. */
  protocol?: Protocol;
  /** Absent = every port of `protocol`. */
  port?: number | string;
  /** Inclusive range end, with a numeric `port`. An end below the start matches nothing. */
  endPort?: number;
  index: number;
  /** A v1alpha1 `protocol` outside TCP/UDP/SCTP (the CRD accepts any string): matches nothing. */
  unknownProtocol?: string;
}

export interface AdminRuleModel {
  direction: Direction;
  /** Index in `spec.ingress` / `spec.egress`. */
  index: number;
  name?: string;
  action: AdminAction;
  effect: AdminEffect;
  peers: readonly AdminPeerModel[];
  /** 'all' when `ports` / `protocols` is absent: every port of every protocol. */
  ports: readonly AdminPortModel[] | 'all';
}

export interface AdminPolicyModel {
  /** `Kind/name`, e.g. `ClusterNetworkPolicy/cluster-guardrails`. */
  id: string;
  kind: AdminPolicyKind;
  name: string;
  tier: AdminTier;
  /** 0–1000, lower first; a BaselineAdminNetworkPolicy has none (undefined). */
  priority?: number;
  subject: AdminSelection;
  ingress: readonly AdminRuleModel[];
  egress: readonly AdminRuleModel[];
  origin?: Origin;
}

export interface NodeModel {
  name: string;
  labels: Labels;
  /** The IP addresses of `status.addresses` (host names dropped). */
  addresses: readonly string[];
  origin?: Origin;
}

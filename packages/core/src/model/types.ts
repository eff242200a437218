import type { AdminPolicyModel, NodeModel } from './admin-types.js';
import type { Direction, LabelSelectorModel, Labels, Origin, Protocol } from './model-primitives.js';

// The primitives live in a leaf module, so admin-types.ts can use them without importing this one.
export type { Direction, LabelSelectorModel, Labels, Origin, Protocol, SelectorOperator } from './model-primitives.js';
export { PROTOCOLS } from './model-primitives.js';

/**
 * The compiled cluster model the engine, lint, diff and lab run on. It is built only from
 * validated, defaulted objects: nothing downstream re-checks user input.
 */

export interface NamespaceModel {
  name: string;
  /** Always includes `kubernetes.io/metadata.name: <name>`. */
  labels: Labels;
  /** Referenced but not defined in the input. */
  implicit: boolean;
  origin?: Origin;
}

export interface ContainerPortModel {
  name?: string;
  port: number;
  protocol: Protocol;
}

export interface WorkloadRef {
  kind: string;
  name: string;
  /** Endpoint id `ns/name[Kind]`. */
  id: string;
}

export interface PodModel {
  /** Endpoint id `ns/name`. */
  id: string;
  namespace: string;
  name: string;
  labels: Labels;
  /** Pod IPs, primary first (status.podIPs, else assigned deterministically). */
  ips: readonly string[];
  /**
   * The manifest gives no address: `ips` were made up from the pod range, so an ipBlock
   * verdict about this pod may differ on a real cluster (check/explain say so).
   */
  addressMadeUp?: boolean;
  ports: readonly ContainerPortModel[];
  /** The workload this pod is a replica of, if any. */
  workload?: WorkloadRef;
  hostNetwork: boolean;
  origin?: Origin;
}

/** A Pod object of the input that takes no traffic, so it is no endpoint. */
export interface DroppedPod {
  /** `ns/name`, as it would have been named. */
  id: string;
  namespace: string;
  name: string;
  /** `status.phase` Succeeded/Failed; `metadata.deletionTimestamp` set; Pending on no node. */
  reason: 'finished' | 'deleting' | 'unscheduled';
  origin?: Origin;
}

export interface WorkloadModel {
  /** Endpoint id `ns/name[Kind]`. */
  id: string;
  kind: string;
  namespace: string;
  name: string;
  /** Template labels and ports (what every replica shares). */
  labels: Labels;
  ports: readonly ContainerPortModel[];
  /** Replica pods, in `pods` too. */
  pods: readonly PodModel[];
  origin?: Origin;
}

export interface ServicePortModel {
  name?: string;
  port: number;
  /** Number, or a container port name resolved on each backing pod. */
  targetPort: number | string;
  protocol: Protocol;
}

export interface ServiceModel {
  /** `ns/name`. */
  id: string;
  namespace: string;
  name: string;
  /** undefined for headless (`clusterIP: None`) Services. */
  clusterIP?: string;
  /** undefined when the Service has no selector (manually managed endpoints). */
  selector?: Labels;
  ports: readonly ServicePortModel[];
  origin?: Origin;
}

export type PeerModel =
  | {
      kind: 'selector';
      /** Absent = every pod (of the namespaces chosen by namespaceSelector, or the policy's own). */
      podSelector?: LabelSelectorModel;
      /** Absent = the policy's own namespace only. */
      namespaceSelector?: LabelSelectorModel;
      index: number;
    }
  | { kind: 'ipBlock'; cidr: string; except: readonly string[]; index: number };

export interface PortModel {
  protocol: Protocol;
  /** Absent = every port of `protocol`. */
  port?: number | string;
  /** Only with a numeric `port`: inclusive range end. */
  endPort?: number;
  index: number;
}

export interface RuleModel {
  direction: Direction;
  /** Index in `spec.ingress` / `spec.egress`. */
  index: number;
  /** 'all' when `from`/`to` is absent or empty: every source/destination, external included. */
  peers: readonly PeerModel[] | 'all';
  /** 'all' when `ports` is absent or empty: every port of every protocol. */
  ports: readonly PortModel[] | 'all';
}

export interface PolicyModel {
  /** `ns/name`. */
  id: string;
  namespace: string;
  name: string;
  podSelector: LabelSelectorModel;
  /** Effective policy types after defaulting (SPEC "policyTypes defaulting"). */
  types: { ingress: boolean; egress: boolean };
  /** `spec.policyTypes` as written, undefined when absent/empty (lint reads it). */
  declaredTypes?: readonly Direction[];
  ingress: readonly RuleModel[];
  /** Kept even when `types.egress` is false; the engine ignores them then (lint flags it). */
  egress: readonly RuleModel[];
  origin?: Origin;
}

export interface ClusterModel {
  namespaces: ReadonlyMap<string, NamespaceModel>;
  /** Every pod, replicas included, sorted by namespace then name. */
  pods: readonly PodModel[];
  workloads: readonly WorkloadModel[];
  services: readonly ServiceModel[];
  policies: readonly PolicyModel[];
  /** Pod objects left out because they take no traffic (finished, deleting, unscheduled). */
  dropped?: readonly DroppedPod[];
  /** The ranges made-up pod addresses came from (given, inferred, or the default). */
  podRanges?: readonly string[];
  /** Admin and baseline tier policies (docs/admin-tiers.md), in consult order; absent = none. */
  adminPolicies?: readonly AdminPolicyModel[];
  /** `kind: Node` objects (for `nodes` peers); absent = none. */
  nodes?: readonly NodeModel[];
}

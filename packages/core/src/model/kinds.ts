import type { PodTemplateSpec, WorkloadKind } from '../decode/schema.js';
import type { DecodedObject } from '../load/decoded-object.js';

/** Where each kind that carries a pod template keeps it (CronJob one level deeper). */
export const WORKLOAD_TEMPLATE_PATH: Readonly<Record<WorkloadKind, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const SUPPORTED_KINDS: readonly string[] = [
  'Namespace',
  'Pod',
  ...Object.keys(WORKLOAD_TEMPLATE_PATH),
  'Service',
  'NetworkPolicy',
  'Node',
  'ClusterNetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
];

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return Object.hasOwn(WORKLOAD_TEMPLATE_PATH, kind);
}

/** Replicas modelled for one workload at most (validation warns above it). */
export const MAX_WORKLOAD_REPLICAS = 10_000;

/** A decoded object of a kind that carries a pod template. */
export type DecodedWorkload = Extract<DecodedObject, { kind: WorkloadKind }>;

/** The pod template of a decoded workload. */
export function templateOf(workload: DecodedWorkload): PodTemplateSpec {
  if (workload.kind === 'CronJob') return workload.value.spec?.jobTemplate?.spec?.template ?? {};
  return workload.value.spec?.template ?? {};
}

/** How many pods a workload runs in a one-node cluster. */
export function replicasOf(workload: DecodedWorkload): number {
  switch (workload.kind) {
    case 'DaemonSet':
    case 'CronJob':
      return 1; // one node; one running job
    case 'Job':
      return Math.min(workload.value.spec?.parallelism ?? 1, MAX_WORKLOAD_REPLICAS);
    default:
      return Math.min(workload.value.spec?.replicas ?? 1, MAX_WORKLOAD_REPLICAS);
  }
}

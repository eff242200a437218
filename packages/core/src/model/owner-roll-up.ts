import type { ObjectMeta } from '../decode/schema.js';
import { type DecodedWorkload, isWorkloadKind } from './kinds.js';

export interface WorkloadName {
  kind: string;
  name: string;
}

/** The controller ownerReference of an object, when it names a kind that carries pods. */
export function controllerOf(meta: ObjectMeta | undefined): WorkloadName | undefined {
  for (const ref of meta?.ownerReferences ?? []) {
    if (ref.controller === true && ref.kind && ref.name !== undefined && isWorkloadKind(ref.kind)) {
      return { kind: ref.kind, name: ref.name };
    }
  }
  return undefined;
}

/**
 * Follows ReplicaSet → Deployment and Job → CronJob to the top-level workload, as SPEC
 * "Inputs" says: by the owner's own ownerReference when the owner is in the input, else by
 * the names its controller gives (`<deployment>-<pod-template-hash>`, `<cronjob>-<minutes>`).
 */
export function createOwnerRollUp(workloads: readonly DecodedWorkload[], namespaceOf: (w: DecodedWorkload) => string) {
  const byKey = new Map<string, DecodedWorkload>();
  for (const w of workloads) byKey.set(`${namespaceOf(w)}/${w.kind}/${w.value.metadata?.name ?? ''}`, w);
  return {
    has: (namespace: string, kind: string, name: string) => byKey.has(`${namespace}/${kind}/${name}`),
    rollUp(namespace: string, kind: string, name: string, podLabels?: Readonly<Record<string, string>>): WorkloadName {
      const self = byKey.get(`${namespace}/${kind}/${name}`);
      const parent = self ? controllerOf(self.value.metadata) : undefined;
      if (parent) return parent;
      if (!self && kind === 'ReplicaSet') {
        const hash = podLabels?.['pod-template-hash'];
        if (hash && name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: name.slice(0, -hash.length - 1) };
      }
      if (!self && kind === 'Job') {
        // A CronJob names its Jobs `<cronjob>-<scheduled time in minutes since the epoch>`.
        // Without the CronJob in the input (`kubectl get pods -o json`), trust only a number of
        // minutes between 2017 and 2046, so a dated one-off Job (`backup-20261125`) stays a Job.
        const [, cronJob, minutes] = /^(.+)-(\d+)$/.exec(name) ?? [];
        if (cronJob && minutes && (byKey.has(`${namespace}/CronJob/${cronJob}`) || isScheduledMinutes(minutes))) {
          return { kind: 'CronJob', name: cronJob };
        }
      }
      return { kind, name };
    },
  };
}

/** 25,000,000 minutes after the epoch is mid-2017, 40,000,000 is 2046. */
function isScheduledMinutes(digits: string): boolean {
  const minutes = Number(digits);
  return digits.length === 8 && minutes >= 25_000_000 && minutes < 40_000_000;
}

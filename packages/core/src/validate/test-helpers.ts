import { formatPath, type Issue } from '../issues.js';
import type { LoadedObject } from '../load/loaded-object.js';
import { validateObject } from './validate-object.js';

/** Test helpers for the validators: wrap a plain object as loaded, and summarise issues. */

const API_VERSION: Record<string, string> = {
  NetworkPolicy: 'networking.k8s.io/v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

export function loaded(kind: string, value: Record<string, unknown>): LoadedObject {
  const full = { apiVersion: API_VERSION[kind] ?? 'v1', kind, ...value };
  return {
    source: { name: 'test.yaml', text: '' },
    docIndex: 0,
    basePath: [],
    kind,
    apiVersion: typeof full.apiVersion === 'string' ? full.apiVersion : '',
    value: full,
    locate: () => undefined,
  };
}

/** `code path` of every issue, e.g. `field-invalid spec.ingress[0].ports[0].endPort`. */
export function summary(issues: readonly Issue[]): string[] {
  return issues.map((i) => `${i.code} ${formatPath(i.path)}`);
}

export function errorsOf(kind: string, value: Record<string, unknown>): string[] {
  return summary(validateObject(loaded(kind, value)).filter((i) => i.severity === 'error'));
}

/** A NetworkPolicy `foo` in namespace `bar` (upstream's test fixture) with this spec. */
export function policy(spec: unknown, metadata: Record<string, unknown> = { name: 'foo', namespace: 'bar' }) {
  return { metadata, spec };
}

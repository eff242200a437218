/**
 * kubectl's names for the resources an endpoint can be (`kubectl get deploy/backend`,
 * `kubectl exec pod/x`): singular, plural and short names, case-insensitive, from
 * `kubectl api-resources`. Endpoints take them as `TYPE/NAME` and `NS/TYPE/NAME`.
 */
const RESOURCE_NAMES: Record<string, string> = {
  pod: 'Pod',
  pods: 'Pod',
  po: 'Pod',
  service: 'Service',
  services: 'Service',
  svc: 'Service',
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  rs: 'ReplicaSet',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  ds: 'DaemonSet',
  job: 'Job',
  jobs: 'Job',
  cronjob: 'CronJob',
  cronjobs: 'CronJob',
  cj: 'CronJob',
  replicationcontroller: 'ReplicationController',
  replicationcontrollers: 'ReplicationController',
  rc: 'ReplicationController',
};

/** The Kind a kubectl resource name means (`deploy` → `Deployment`), or undefined. */
export function kindOfResourceName(name: string): string | undefined {
  return Object.hasOwn(RESOURCE_NAMES, name.toLowerCase()) ? RESOURCE_NAMES[name.toLowerCase()] : undefined;
}

/** How completion and hints write a Kind as a kubectl resource: `Deployment` → `deployment`. */
export function resourceNameOfKind(kind: string): string {
  return kind.toLowerCase();
}

export interface TypedName {
  namespace?: string;
  kind: string;
  name: string;
}

/** `deploy/backend`, `shop/deployment/backend`, `pod/x`: the parts, or undefined. */
export function parseTypedName(text: string): TypedName | undefined {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '' || /[\s[\]]/.test(p))) return undefined;
  const [namespace, type, name] = parts.length === 3 ? parts : [undefined, ...parts];
  if (type === undefined || name === undefined) return undefined;
  const kind = kindOfResourceName(type);
  if (!kind) return undefined;
  return namespace === undefined ? { kind, name } : { namespace, kind, name };
}

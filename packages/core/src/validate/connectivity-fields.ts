import type { FieldPath } from '../issues.js';

/**
 * Which validation errors change what an object means for connectivity: the one place that
 * decides it (README "Imperfect input"). The analysis commands stop (exit 2) on such an
 * error, because a verdict computed without the policy, pod or Service the user meant would
 * be wrong; any other error (names, images, container names, ownerReferences, unknown
 * fields outside the fields below) is printed as a warning and the object is used as
 * written. `validate` and `--strict` keep every error fatal.
 *
 * A pattern covers the field and everything under it (`*` is any list index). An error
 * at a field that holds one of them (`spec: Invalid type`) counts only when it is a decode
 * error: then the whole value was replaced and what the user meant below is lost.
 */
const EVERY_KIND: readonly Pattern[] = [['metadata', 'namespace']];

/** Pod template fields that decide connectivity, under a pod template (or a Pod) at `at`. */
const podFields = (at: Pattern, metadata: Pattern): Pattern[] => [
  [...metadata, 'labels'],
  [...at, 'hostNetwork'],
  [...at, 'containers', '*', 'ports', '*'],
  [...at, 'initContainers', '*', 'ports', '*'],
];

const template = (at: Pattern): Pattern[] => podFields([...at, 'spec'], [...at, 'metadata']);

const BY_KIND: Readonly<Record<string, readonly Pattern[]>> = {
  // Everything under spec selects pods or admits traffic; the name is only a name.
  NetworkPolicy: [['spec']],
  ClusterNetworkPolicy: [['spec']],
  AdminNetworkPolicy: [['spec']],
  BaselineAdminNetworkPolicy: [['spec']],
  // Admin policies' `nodes` peers match node labels and addresses.
  Node: [
    ['metadata', 'labels'],
    ['status', 'addresses'],
  ],
  // Namespace selectors match namespace labels (kubernetes.io/metadata.name is the name).
  Namespace: [['metadata', 'labels']],
  // Labels, ports, address, and whether it takes traffic at all (phase, node, deletion).
  Pod: [
    ...podFields(['spec'], ['metadata']),
    ['spec', 'nodeName'],
    ['status', 'phase'],
    ['status', 'podIP'],
    ['status', 'podIPs'],
    ['metadata', 'deletionTimestamp'],
  ],
  // Which pods answer for a Service name or ClusterIP, and on which ports.
  Service: [
    ['spec', 'selector'],
    ['spec', 'ports'],
    ['spec', 'clusterIP'],
    ['spec', 'clusterIPs'],
    ['spec', 'type'],
  ],
  // The template makes the replicas; their number decides replica-to-replica verdicts. The
  // workload's own selector and labels decide nothing about traffic.
  Deployment: [...template(['spec', 'template']), ['spec', 'replicas']],
  ReplicaSet: [...template(['spec', 'template']), ['spec', 'replicas']],
  StatefulSet: [...template(['spec', 'template']), ['spec', 'replicas']],
  ReplicationController: [...template(['spec', 'template']), ['spec', 'replicas']],
  DaemonSet: template(['spec', 'template']),
  Job: [...template(['spec', 'template']), ['spec', 'parallelism']],
  CronJob: template(['spec', 'jobTemplate', 'spec', 'template']),
};

type Pattern = readonly (string | '*')[];

/**
 * Whether a validation error at `path` of a `kind` object changes what it means for
 * connectivity. `code` is the code (`field-type` for decode errors); `value` is the
 * object as written, for the one rule that looks at a value: a container port matters only
 * when it has a name (a policy may name it; a numeric policy port matches whatever the
 * containers declare).
 */
export function decidesConnectivity(kind: string, path: FieldPath, code: string, value?: unknown): boolean {
  for (const pattern of [...EVERY_KIND, ...(BY_KIND[kind] ?? [])]) {
    if (isUnderPattern(path, pattern)) {
      return !isContainerPortPattern(pattern) || portHasName(value, path.slice(0, pattern.length));
    }
    if (code === 'field-type' && path.length < pattern.length && isUnderPattern(pattern, path)) return true;
  }
  return false;
}

/** Whether `path` is at or below `prefix`, where `*` on either side is any list index. */
function isUnderPattern(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  if (path.length < prefix.length) return false;
  return prefix.every(
    (part, i) => part === path[i] || isIndexWildcard(part, path[i]) || isIndexWildcard(path[i], part),
  );
}

function isIndexWildcard(wildcard: string | number | undefined, index: string | number | undefined): boolean {
  return wildcard === '*' && typeof index === 'number';
}

function isContainerPortPattern(pattern: Pattern): boolean {
  return pattern.at(-2) === 'ports' && pattern.at(-1) === '*';
}

function portHasName(value: unknown, portPath: FieldPath): boolean {
  let node = value;
  for (const key of portPath) {
    if (typeof node !== 'object' || node === null) return false;
    node = (node as Record<string | number, unknown>)[key];
  }
  const name = typeof node === 'object' && node !== null ? (node as { name?: unknown }).name : undefined;
  // A mistyped name still names something the user meant: count it.
  return name !== undefined && name !== null && name !== '';
}

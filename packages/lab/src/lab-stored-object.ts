/**
 * What the lab keeps of a manifest object in its state file: only what building the
 * cluster reads (names, labels, owners, container ports, pod addresses, Service and policy
 * specs), never whole manifests. Environment values, commands, volumes, annotations,
 * Secret data and unknown fields stay out: the state is small however big the input, and a
 * password in a Pod's `env` is never written to disk (issue 16, items 3 and 4).
 */

type Obj = Record<string, unknown>;

const WORKLOAD_KINDS = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'ReplicationController',
]);
/** Kinds whose whole spec is semantics (every field decides a verdict). */
const POLICY_KINDS = new Set([
  'NetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'ClusterNetworkPolicy',
]);
const SERVICE_SPEC = [
  'type',
  'clusterIP',
  'clusterIPs',
  'selector',
  'ports',
  'externalName',
  'ipFamilies',
  'ipFamilyPolicy',
  'publishNotReadyAddresses',
];
const CONTAINER = ['name', 'image', 'ports', 'restartPolicy'];
/** The lab's own annotations (`netpol.dev/lab-run-pid`); other annotations may hold anything. */
const OWN_ANNOTATION = 'netpol.dev/';

export function storedValue(value: Obj): Obj {
  const kind = typeof value.kind === 'string' ? value.kind : '';
  const out: Obj = pick(value, ['apiVersion', 'kind']);
  if (isObj(value.metadata)) out.metadata = metadata(value.metadata);
  const spec = isObj(value.spec) ? value.spec : undefined;
  if (kind === 'Pod') {
    if (spec) out.spec = podSpec(spec);
    if (isObj(value.status)) out.status = pick(value.status, ['phase', 'podIP', 'podIPs']);
  } else if (WORKLOAD_KINDS.has(kind)) {
    if (spec) out.spec = workloadSpec(spec);
  } else if (kind === 'CronJob') {
    const jobTemplate = spec && isObj(spec.jobTemplate) ? spec.jobTemplate : undefined;
    if (jobTemplate) {
      out.spec = {
        jobTemplate: {
          ...(isObj(jobTemplate.metadata) ? { metadata: metadata(jobTemplate.metadata) } : {}),
          ...(isObj(jobTemplate.spec) ? { spec: workloadSpec(jobTemplate.spec) } : {}),
        },
      };
    }
  } else if (kind === 'Service') {
    if (spec) out.spec = pick(spec, SERVICE_SPEC);
  } else if (POLICY_KINDS.has(kind)) {
    if ('spec' in value) out.spec = value.spec;
  } else if (kind === 'Node') {
    if (isObj(value.status)) out.status = pick(value.status, ['addresses']);
  }
  return out;
}

function metadata(meta: Obj): Obj {
  const out = pick(meta, ['name', 'generateName', 'namespace', 'labels', 'ownerReferences', 'deletionTimestamp']);
  if (isObj(meta.annotations)) {
    const own = Object.entries(meta.annotations).filter(([k]) => k.startsWith(OWN_ANNOTATION));
    if (own.length > 0) out.annotations = Object.fromEntries(own);
  }
  return out;
}

function workloadSpec(spec: Obj): Obj {
  const out = pick(spec, ['replicas', 'parallelism', 'selector']);
  if (isObj(spec.template)) {
    const template = spec.template;
    out.template = {
      ...(isObj(template.metadata) ? { metadata: metadata(template.metadata) } : {}),
      ...(isObj(template.spec) ? { spec: podSpec(template.spec) } : {}),
    };
  }
  return out;
}

function podSpec(spec: Obj): Obj {
  const out = pick(spec, ['hostNetwork', 'nodeName']);
  for (const key of ['initContainers', 'containers']) {
    const list = spec[key];
    if (Array.isArray(list)) out[key] = list.map((c) => (isObj(c) ? pick(c, CONTAINER) : c));
    else if (list !== undefined) out[key] = list;
  }
  return out;
}

function pick(from: Obj, keys: readonly string[]): Obj {
  const out: Obj = {};
  for (const key of keys) if (Object.hasOwn(from, key)) out[key] = from[key];
  return out;
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

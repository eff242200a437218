import { first } from '../at.js';
import { serviceSelectsPod } from '../engine/service-selects-pod.js';
import type { Outcome } from '../issues.js';
import { parseIp } from '../model/cidr.js';
import type { ClusterModel, PodModel, ServiceModel, WorkloadModel } from '../model/types.js';
import { closestNames } from './closest-names.js';
import { parseTypedName } from './kubectl-resource-names.js';

/**
 * Endpoints as `check` (and the example tests) name them, SPEC "Endpoints in check and
 * matrix": a Pod `ns/name`; a workload `ns/name[Kind]` (judged on its first replica: replicas
 * share labels and ports); an IP address (a pod's IP is that pod, a ClusterIP is its Service,
 * anything else is an outside address); a Service by DNS name `name.ns.svc.cluster.local`,
 * `name.ns.svc` or `name.ns`. Conveniences: a bare `name` is a pod, workload or Service of
 * the default namespace, else the only pod or workload of that name anywhere; `ns/name` that
 * is not a pod may name the only workload of that name in `ns`. As kubectl names them:
 * `deploy/backend`, `deployment/backend`, `pod/x`, `svc/backend` (in the default namespace)
 * and `shop/deploy/backend`, which need no quoting in any shell (brackets do in zsh).
 */
export type Endpoint =
  | {
      kind: 'pod';
      input: string;
      /** `ns/name`, or `ns/name[Kind]` when a workload was named. */
      id: string;
      /** The pod judged (a workload's first replica, or its template when it has none). */
      pod: PodModel;
      workload?: WorkloadModel;
    }
  | { kind: 'external'; input: string; id: string; ip: string }
  | {
      kind: 'service';
      input: string;
      /** `name.ns.svc.cluster.local`. */
      id: string;
      service: ServiceModel;
      /** Pods in the Service's namespace whose labels match its selector. */
      backends: readonly PodModel[];
    };

export type EndpointErrorCode = 'endpoint-unknown' | 'endpoint-ambiguous' | 'endpoint-invalid';

export interface EndpointError {
  code: EndpointErrorCode;
  input: string;
  message: string;
  /** Closest known endpoint names (did you mean), or the ambiguous matches. */
  candidates: string[];
}

type Resolved = Outcome<Endpoint, EndpointError>;

export interface ResolveOptions {
  /** Namespace of a bare `name` (default `default`). */
  defaultNamespace?: string;
}

export function serviceDnsName(service: ServiceModel): string {
  return `${service.name}.${service.namespace}.svc.cluster.local`;
}

/** The pods a Service sends traffic to: its namespace, labels matching its selector. */
export function serviceBackends(cluster: ClusterModel, service: ServiceModel): PodModel[] {
  return cluster.pods.filter((pod) => serviceSelectsPod(service, pod));
}

export function resolveEndpoint(cluster: ClusterModel, input: string, options: ResolveOptions = {}): Resolved {
  const text = input.trim();
  const defaultNs = options.defaultNamespace ?? 'default';
  const ok = (value: Endpoint): Resolved => ({ ok: true, value });
  const podEndpoint = (pod: PodModel): Endpoint => ({ kind: 'pod', input, id: pod.id, pod });
  const workloadEndpoint = (workload: WorkloadModel): Endpoint => ({
    kind: 'pod',
    input,
    id: workload.id,
    pod: workload.pods[0] ?? templatePod(workload),
    workload,
  });
  const serviceEndpoint = (service: ServiceModel): Endpoint => ({
    kind: 'service',
    input,
    id: serviceDnsName(service),
    service,
    backends: serviceBackends(cluster, service),
  });
  const unknown = (what: string): Resolved => ({
    ok: false,
    error: {
      code: 'endpoint-unknown',
      input,
      message: `no ${what} "${text}" in the input`,
      candidates: closestNames(text, allNames(cluster)),
    },
  });
  const ambiguous = (matches: string[]): Resolved => ({
    ok: false,
    error: {
      code: 'endpoint-ambiguous',
      input,
      message: `"${text}" names ${matches.length} endpoints: ${matches.join(', ')}; name one of them`,
      candidates: matches,
    },
  });

  if (text === '') {
    return { ok: false, error: { code: 'endpoint-invalid', input, message: 'empty endpoint', candidates: [] } };
  }

  if (parseIp(text)) {
    const canonical = parseIp(text)?.value;
    const sameIp = (ip: string) => parseIp(ip)?.value === canonical;
    const pod = cluster.pods.find((p) => p.ips.some(sameIp));
    if (pod) return ok(podEndpoint(pod));
    const service = cluster.services.find((s) => s.clusterIP !== undefined && sameIp(s.clusterIP));
    if (service) return ok(serviceEndpoint(service));
    return ok({ kind: 'external', input, id: text, ip: text });
  }

  const workloadRef = /^([^/\s[\]]+)\/([^/\s[\]]+)\[([A-Za-z]+)\]$/.exec(text);
  if (workloadRef) {
    const [, ns, name, kind = ''] = workloadRef;
    const workload = cluster.workloads.find(
      (w) => w.namespace === ns && w.name === name && w.kind.toLowerCase() === kind.toLowerCase(),
    );
    return workload ? ok(workloadEndpoint(workload)) : unknown('workload');
  }

  // `name[Kind]` without a namespace: the default namespace's, else the only one anywhere
  // (as for a bare name).
  const bareWorkload = /^([^/\s[\]]+)\[([A-Za-z]+)\]$/.exec(text);
  if (bareWorkload) {
    const [, name, kind = ''] = bareWorkload;
    const named = cluster.workloads.filter((w) => w.name === name && w.kind.toLowerCase() === kind.toLowerCase());
    const local = named.find((w) => w.namespace === defaultNs);
    if (local) return ok(workloadEndpoint(local));
    if (named.length === 1) return ok(workloadEndpoint(first(named)));
    if (named.length > 1) return ambiguous(named.map((w) => w.id));
    return unknown('workload');
  }

  // kubectl's `deploy/backend`, `pod/x`, `shop/svc/backend`: TYPE/NAME in the default (-n)
  // namespace, NS/TYPE/NAME elsewhere. `ns/name` keeps its meaning where such a pod or
  // workload exists (a namespace may be called `deploy`).
  const typed = parseTypedName(text);
  const nsNameExists = (ns: string, name: string) =>
    cluster.pods.some((p) => p.namespace === ns && p.name === name) ||
    cluster.workloads.some((w) => w.namespace === ns && w.name === name);
  if (typed && !(typed.namespace === undefined && nsNameExists(...(text.split('/') as [string, string])))) {
    const ns = typed.namespace ?? defaultNs;
    if (typed.kind === 'Pod') {
      const pod = cluster.pods.find((p) => p.namespace === ns && p.name === typed.name);
      return pod ? ok(podEndpoint(pod)) : unknown('pod');
    }
    if (typed.kind === 'Service') {
      const service = cluster.services.find((s) => s.namespace === ns && s.name === typed.name);
      return service ? ok(serviceEndpoint(service)) : unknown('Service');
    }
    const workload = cluster.workloads.find(
      (w) => w.namespace === ns && w.name === typed.name && w.kind === typed.kind,
    );
    return workload ? ok(workloadEndpoint(workload)) : unknown(typed.kind);
  }

  const nsName = /^([^/\s]+)\/([^/\s]+)$/.exec(text);
  if (nsName) {
    const [, ns, name] = nsName;
    const pod = cluster.pods.find((p) => p.namespace === ns && p.name === name);
    if (pod) return ok(podEndpoint(pod));
    const workloads = cluster.workloads.filter((w) => w.namespace === ns && w.name === name);
    if (workloads.length === 1) return ok(workloadEndpoint(first(workloads)));
    if (workloads.length > 1) return ambiguous(workloads.map((w) => w.id));
    return unknown('pod or workload');
  }

  if (/\s|\//.test(text)) {
    return {
      ok: false,
      error: {
        code: 'endpoint-invalid',
        input,
        message: `"${text}" is not an endpoint: use ns/pod, ns/name[Kind], TYPE/NAME or NS/TYPE/NAME (deploy/backend), an IP address or a Service DNS name (name.ns.svc.cluster.local)`,
        candidates: [],
      },
    };
  }

  if (text.includes('.')) {
    const dns = text
      .replace(/\.$/, '')
      .replace(/\.cluster\.local$/, '')
      .replace(/\.svc$/, '');
    const parts = dns.split('.');
    if (parts.length === 2) {
      const service = cluster.services.find((s) => s.name === parts[0] && s.namespace === parts[1]);
      if (service) return ok(serviceEndpoint(service));
    }
    // Pod names may contain dots: fall through to the bare-name lookup before giving up.
    if (!cluster.pods.some((p) => p.name === text) && !cluster.workloads.some((w) => w.name === text)) {
      return unknown('Service');
    }
  }

  const pod = cluster.pods.find((p) => p.namespace === defaultNs && p.name === text);
  if (pod) return ok(podEndpoint(pod));
  const localWorkloads = cluster.workloads.filter((w) => w.namespace === defaultNs && w.name === text);
  if (localWorkloads.length === 1) return ok(workloadEndpoint(first(localWorkloads)));
  if (localWorkloads.length > 1) return ambiguous(localWorkloads.map((w) => w.id));
  const service = cluster.services.find((s) => s.namespace === defaultNs && s.name === text);
  if (service) return ok(serviceEndpoint(service));
  const anywhere = [
    ...cluster.pods.filter((p) => p.name === text && !p.workload).map(podEndpoint),
    ...cluster.workloads.filter((w) => w.name === text).map(workloadEndpoint),
  ];
  if (anywhere.length === 1) return ok(first(anywhere));
  if (anywhere.length > 1) return ambiguous(anywhere.map((m) => m.id));
  return unknown('pod, workload or Service');
}

/** Every name an endpoint may be given by, for did-you-mean. */
function allNames(cluster: ClusterModel): string[] {
  return [
    ...cluster.pods.map((p) => p.id),
    ...cluster.workloads.map((w) => w.id),
    ...cluster.services.map(serviceDnsName),
  ];
}

/** A workload with no replicas is judged on its pod template (it has no address). */
function templatePod(workload: WorkloadModel): PodModel {
  return {
    id: workload.id,
    namespace: workload.namespace,
    name: workload.name,
    labels: workload.labels,
    ips: [],
    ports: workload.ports,
    workload: { kind: workload.kind, name: workload.name, id: workload.id },
    hostNetwork: false,
    origin: workload.origin,
  };
}

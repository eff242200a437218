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
  const by = new Resolver(cluster, input, options.defaultNamespace ?? 'default');
  if (by.text === '') return by.invalid('empty endpoint');
  // The forms in order: the first that recognises the text answers (found, or why not).
  return (
    by.ip() ??
    by.workloadRef() ??
    by.bareWorkloadRef() ??
    by.kubectlTypedName() ??
    by.namespacedName() ??
    by.malformed() ??
    by.serviceDnsName() ??
    by.bareName()
  );
}

/** One endpoint text resolved against a cluster: a method per form (undefined: not this form). */
class Resolver {
  readonly text: string;

  constructor(
    private readonly cluster: ClusterModel,
    private readonly input: string,
    private readonly defaultNs: string,
  ) {
    this.text = input.trim();
  }

  /** A pod's IP is that pod, a ClusterIP its Service, anything else an outside address. */
  ip(): Resolved | undefined {
    const { cluster, text } = this;
    if (!parseIp(text)) return undefined;
    const canonical = parseIp(text)?.value;
    const sameIp = (ip: string) => parseIp(ip)?.value === canonical;
    const pod = cluster.pods.find((p) => p.ips.some(sameIp));
    if (pod) return this.pod(pod);
    const service = cluster.services.find((s) => s.clusterIP !== undefined && sameIp(s.clusterIP));
    if (service) return this.service(service);
    return { ok: true, value: { kind: 'external', input: this.input, id: text, ip: text } };
  }

  /** `ns/name[Kind]`. */
  workloadRef(): Resolved | undefined {
    const match = /^([^/\s[\]]+)\/([^/\s[\]]+)\[([A-Za-z]+)\]$/.exec(this.text);
    if (!match) return undefined;
    const [, ns, name, kind = ''] = match;
    const workload = this.cluster.workloads.find(
      (w) => w.namespace === ns && w.name === name && w.kind.toLowerCase() === kind.toLowerCase(),
    );
    return workload ? this.workload(workload) : this.unknown('workload');
  }

  /** `name[Kind]` without a namespace: the default namespace's, else the only one anywhere (as for a bare name). */
  bareWorkloadRef(): Resolved | undefined {
    const match = /^([^/\s[\]]+)\[([A-Za-z]+)\]$/.exec(this.text);
    if (!match) return undefined;
    const [, name, kind = ''] = match;
    const named = this.cluster.workloads.filter((w) => w.name === name && w.kind.toLowerCase() === kind.toLowerCase());
    const local = named.find((w) => w.namespace === this.defaultNs);
    if (local) return this.workload(local);
    return this.theOnly(named.map((w) => this.workload(w))) ?? this.unknown('workload');
  }

  /**
   * kubectl's `deploy/backend`, `pod/x`, `shop/svc/backend`: TYPE/NAME in the default (-n)
   * namespace, NS/TYPE/NAME elsewhere. `ns/name` keeps its meaning where such a pod or
   * workload exists (a namespace may be called `deploy`).
   */
  kubectlTypedName(): Resolved | undefined {
    const { cluster, text } = this;
    const typed = parseTypedName(text);
    if (!typed) return undefined;
    if (typed.namespace === undefined) {
      const [ns, name] = text.split('/') as [string, string];
      const exists =
        cluster.pods.some((p) => p.namespace === ns && p.name === name) ||
        cluster.workloads.some((w) => w.namespace === ns && w.name === name);
      if (exists) return undefined;
    }
    const ns = typed.namespace ?? this.defaultNs;
    if (typed.kind === 'Pod') {
      const pod = cluster.pods.find((p) => p.namespace === ns && p.name === typed.name);
      return pod ? this.pod(pod) : this.unknown('pod');
    }
    if (typed.kind === 'Service') {
      const service = cluster.services.find((s) => s.namespace === ns && s.name === typed.name);
      return service ? this.service(service) : this.unknown('Service');
    }
    const workload = cluster.workloads.find(
      (w) => w.namespace === ns && w.name === typed.name && w.kind === typed.kind,
    );
    return workload ? this.workload(workload) : this.unknown(typed.kind);
  }

  /** `ns/name`: the pod, else the only workload of that name in `ns`. */
  namespacedName(): Resolved | undefined {
    const match = /^([^/\s]+)\/([^/\s]+)$/.exec(this.text);
    if (!match) return undefined;
    const [, ns, name] = match;
    const pod = this.cluster.pods.find((p) => p.namespace === ns && p.name === name);
    if (pod) return this.pod(pod);
    const workloads = this.cluster.workloads.filter((w) => w.namespace === ns && w.name === name);
    return this.theOnly(workloads.map((w) => this.workload(w))) ?? this.unknown('pod or workload');
  }

  /** A space or a slash no form above took. */
  malformed(): Resolved | undefined {
    if (!/\s|\//.test(this.text)) return undefined;
    return this.invalid(
      `"${this.text}" is not an endpoint: use ns/pod, ns/name[Kind], TYPE/NAME or NS/TYPE/NAME (deploy/backend), an IP address or a Service DNS name (name.ns.svc.cluster.local)`,
    );
  }

  /** `name.ns.svc.cluster.local`, `name.ns.svc`, `name.ns`; pod names may contain dots too. */
  serviceDnsName(): Resolved | undefined {
    const { cluster, text } = this;
    if (!text.includes('.')) return undefined;
    const dns = text
      .replace(/\.$/, '')
      .replace(/\.cluster\.local$/, '')
      .replace(/\.svc$/, '');
    const parts = dns.split('.');
    if (parts.length === 2) {
      const service = cluster.services.find((s) => s.name === parts[0] && s.namespace === parts[1]);
      if (service) return this.service(service);
    }
    // A pod or workload of that name: the bare-name lookup answers.
    if (cluster.pods.some((p) => p.name === text) || cluster.workloads.some((w) => w.name === text)) return undefined;
    return this.unknown('Service');
  }

  /** A pod, workload or Service of the default namespace, else the only pod or workload of that name anywhere. */
  bareName(): Resolved {
    const { cluster, text, defaultNs } = this;
    const pod = cluster.pods.find((p) => p.namespace === defaultNs && p.name === text);
    if (pod) return this.pod(pod);
    const local = cluster.workloads.filter((w) => w.namespace === defaultNs && w.name === text);
    const localOne = this.theOnly(local.map((w) => this.workload(w)));
    if (localOne) return localOne;
    const service = cluster.services.find((s) => s.namespace === defaultNs && s.name === text);
    if (service) return this.service(service);
    const anywhere = [
      ...cluster.pods.filter((p) => p.name === text && !p.workload).map((p) => this.pod(p)),
      ...cluster.workloads.filter((w) => w.name === text).map((w) => this.workload(w)),
    ];
    return this.theOnly(anywhere) ?? this.unknown('pod, workload or Service');
  }

  invalid(message: string): Resolved {
    return { ok: false, error: { code: 'endpoint-invalid', input: this.input, message, candidates: [] } };
  }

  /** One match is the endpoint, several are ambiguous, none is undefined. */
  private theOnly(matches: readonly (Resolved & { ok: true })[]): Resolved | undefined {
    if (matches.length === 1) return first(matches);
    if (matches.length === 0) return undefined;
    const ids = matches.map((m) => m.value.id);
    const message = `"${this.text}" names ${ids.length} endpoints: ${ids.join(', ')}; name one of them`;
    return { ok: false, error: { code: 'endpoint-ambiguous', input: this.input, message, candidates: ids } };
  }

  private unknown(what: string): Resolved {
    return {
      ok: false,
      error: {
        code: 'endpoint-unknown',
        input: this.input,
        message: `no ${what} "${this.text}" in the input`,
        candidates: closestNames(this.text, allNames(this.cluster)),
      },
    };
  }

  private pod(pod: PodModel): Resolved & { ok: true } {
    return { ok: true, value: { kind: 'pod', input: this.input, id: pod.id, pod } };
  }

  private workload(workload: WorkloadModel): Resolved & { ok: true } {
    const pod = workload.pods[0] ?? templatePod(workload);
    return { ok: true, value: { kind: 'pod', input: this.input, id: workload.id, pod, workload } };
  }

  private service(service: ServiceModel): Resolved & { ok: true } {
    const backends = serviceBackends(this.cluster, service);
    return { ok: true, value: { kind: 'service', input: this.input, id: serviceDnsName(service), service, backends } };
  }
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

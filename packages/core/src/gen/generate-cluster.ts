import { at, first } from '../at.js';
import { Prng } from './prng.js';

/**
 * A deterministic, realistic multi-team cluster for benchmarks and demos (`netpol gen`):
 * teams' namespaces (labels team, env) with tiered Deployments and named ports, a
 * kube-system coredns (`k8s-app: kube-dns`), an ingress controller and a monitoring stack,
 * and the policies teams write: default deny, allow DNS, tier to tier, ingress controller,
 * monitoring scrapes (endPort ranges), cross-team access (matchExpressions), ipBlock egress
 * with except. Pure: the same options give byte-identical output.
 */
export interface GenOptions {
  namespaces: number;
  workloadsPerNamespace: number;
  replicas: number;
  policies: number;
  seed: number;
}

export const GEN_DEFAULTS = { workloadsPerNamespace: 10, replicas: 5, seed: 1, policiesPerNamespace: 10 } as const;

/** Options for about `pods` pods: 10 Deployments of 5 replicas per namespace, 10 policies each. */
export function genOptionsForPods(pods: number, overrides: Partial<GenOptions> = {}): GenOptions {
  const workloadsPerNamespace = overrides.workloadsPerNamespace ?? GEN_DEFAULTS.workloadsPerNamespace;
  const replicas = overrides.replicas ?? GEN_DEFAULTS.replicas;
  const namespaces = overrides.namespaces ?? Math.max(1, Math.round(pods / (workloadsPerNamespace * replicas)));
  return {
    namespaces,
    workloadsPerNamespace,
    replicas,
    policies: overrides.policies ?? namespaces * GEN_DEFAULTS.policiesPerNamespace,
    seed: overrides.seed ?? GEN_DEFAULTS.seed,
  };
}

type Json = Record<string, unknown>;

const TEAMS = ['payments', 'search', 'checkout', 'identity', 'catalog', 'billing', 'shipping', 'reviews'];
const ENVS = ['prod', 'staging', 'dev'];

interface ContainerPortSpec {
  name: string;
  containerPort: number;
  protocol?: string;
}
interface TierSpec {
  /** The first is the one the tier's Service exposes. */
  ports: [ContainerPortSpec, ...ContainerPortSpec[]];
}
const TIERS: Record<string, TierSpec> = {
  frontend: {
    ports: [
      { name: 'http', containerPort: 8080 },
      { name: 'metrics', containerPort: 9090 },
    ],
  },
  api: {
    ports: [
      { name: 'grpc', containerPort: 9000 },
      { name: 'http', containerPort: 8081 },
      { name: 'metrics', containerPort: 9090 },
    ],
  },
  worker: { ports: [{ name: 'metrics', containerPort: 9102 }] },
  cache: { ports: [{ name: 'redis', containerPort: 6379 }] },
  db: {
    ports: [
      { name: 'postgres', containerPort: 5432 },
      { name: 'metrics', containerPort: 9187 },
    ],
  },
};
const TIER_LIST = Object.entries(TIERS);

const NS_NAME_LABEL = 'kubernetes.io/metadata.name';

export function generateCluster(options: GenOptions): Json {
  const rng = new Prng(options.seed);
  const items: Json[] = [];
  const teamNamespaces: { name: string; team: string; env: string }[] = [];
  const width = String(Math.max(0, options.namespaces - 1)).length;
  for (let i = 0; i < options.namespaces; i++) {
    const team = rng.pick(TEAMS);
    const env = rng.pick(ENVS);
    teamNamespaces.push({ name: `${team}-${env}-${String(i).padStart(width, '0')}`, team, env });
  }

  items.push(namespace('kube-system', { purpose: 'system' }));
  items.push(namespace('ingress-nginx', { purpose: 'ingress' }));
  items.push(namespace('monitoring', { purpose: 'monitoring' }));
  for (const ns of teamNamespaces) items.push(namespace(ns.name, { team: ns.team, env: ns.env }));

  items.push(
    deployment('kube-system', 'coredns', options.replicas, { 'k8s-app': 'kube-dns' }, [
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9153 },
    ]),
    service(
      'kube-system',
      'kube-dns',
      { 'k8s-app': 'kube-dns' },
      [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 'dns-tcp' },
      ],
      '198.19.0.10',
    ),
    deployment(
      'ingress-nginx',
      'ingress-nginx-controller',
      options.replicas,
      { 'app.kubernetes.io/name': 'ingress-nginx' },
      [
        { name: 'http', containerPort: 80 },
        { name: 'https', containerPort: 443 },
      ],
    ),
    deployment('monitoring', 'prometheus', options.replicas, { app: 'prometheus' }, [
      { name: 'web', containerPort: 9090 },
    ]),
  );

  for (const ns of teamNamespaces) {
    for (let j = 0; j < options.workloadsPerNamespace; j++) {
      const [tier, { ports }] = at(TIER_LIST, j % TIER_LIST.length);
      const [main] = ports;
      const name = `${tier}-${j}`;
      const labels = { app: name, tier, team: ns.team, version: rng.pick(['v1', 'v2']) };
      items.push(deployment(ns.name, name, options.replicas, labels, ports));
      items.push(
        service(ns.name, name, { app: name }, [{ name: main.name, port: main.containerPort, targetPort: main.name }]),
      );
    }
  }

  // Policies: namespace-major, so every namespace gets default deny and DNS first.
  const templates = policyTemplates(rng);
  for (let k = 0; k < options.policies && teamNamespaces.length > 0; k++) {
    const ns = at(teamNamespaces, k % teamNamespaces.length);
    const round = Math.floor(k / teamNamespaces.length);
    const template = at(templates, round % templates.length);
    const variant = Math.floor(round / templates.length);
    const { name, spec } = template(ns);
    items.push(policy(ns.name, variant === 0 ? name : `${name}-v${variant}`, spec));
  }

  return { apiVersion: 'v1', kind: 'List', items };
}

type Template = (ns: { name: string; team: string; env: string }) => { name: string; spec: Json };

function policyTemplates(rng: Prng): Template[] {
  const tcp = (port: number | string, endPort?: number) =>
    endPort === undefined ? { protocol: 'TCP', port } : { protocol: 'TCP', port, endPort };
  const nsIs = (name: string) => ({ matchLabels: { [NS_NAME_LABEL]: name } });
  return [
    () => ({ name: 'default-deny-all', spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }),
    () => ({
      name: 'allow-dns',
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: nsIs('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    }),
    () => ({
      name: 'allow-ingress-controller',
      spec: {
        podSelector: { matchLabels: { tier: 'frontend' } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: nsIs('ingress-nginx'),
                podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
              },
            ],
            ports: [tcp('http')],
          },
          { from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }], ports: [tcp(8080)] },
        ],
      },
    }),
    (ns) => ({
      name: 'api-from-frontend',
      spec: {
        podSelector: { matchLabels: { tier: 'api' } },
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { tier: 'frontend' } } },
              {
                namespaceSelector: {
                  matchLabels: { team: rng.pick(TEAMS.filter((t) => t !== ns.team)) },
                  matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }],
                },
                podSelector: { matchLabels: { tier: 'frontend' } },
              },
            ],
            ports: [tcp('grpc'), tcp('http')],
          },
        ],
      },
    }),
    () => ({
      name: 'frontend-egress-api',
      spec: {
        podSelector: { matchLabels: { tier: 'frontend' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { tier: 'api' } } }], ports: [tcp('grpc'), tcp('http')] }],
      },
    }),
    () => ({
      name: 'db-from-backends',
      spec: {
        podSelector: { matchLabels: { tier: 'db' } },
        ingress: [
          {
            from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'worker'] }] } }],
            ports: [tcp('postgres')],
          },
          {
            from: [{ ipBlock: { cidr: '198.18.0.0/16', except: [`198.18.${64 + rng.int(128)}.0/24`] } }],
            ports: [tcp('metrics')],
          },
        ],
      },
    }),
    () => ({
      name: 'backend-egress-data',
      spec: {
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'worker'] }] },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db', 'cache'] }] } }],
            ports: [tcp(5432), tcp(6379, 6380)],
          },
        ],
      },
    }),
    () => ({
      name: 'allow-monitoring',
      spec: {
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { purpose: 'monitoring' } },
                podSelector: { matchLabels: { app: 'prometheus' } },
              },
            ],
            ports: [tcp(9090, 9199)],
          },
        ],
      },
    }),
    () => ({
      name: 'worker-egress-internet',
      spec: {
        podSelector: { matchLabels: { tier: 'worker' } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                ipBlock: {
                  cidr: '0.0.0.0/0',
                  except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '198.18.0.0/15'],
                },
              },
            ],
            ports: [tcp(443)],
          },
        ],
      },
    }),
    () => ({
      name: 'cache-from-app',
      spec: {
        podSelector: { matchLabels: { tier: 'cache' } },
        ingress: [
          {
            from: [
              { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db', 'cache'] }] } },
            ],
            ports: [tcp('redis')],
          },
        ],
      },
    }),
  ];
}

function namespace(name: string, labels: Record<string, string>): Json {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function deployment(
  ns: string,
  name: string,
  replicas: number,
  labels: Record<string, string>,
  ports: readonly { name: string; containerPort: number; protocol?: string }[],
): Json {
  const selectorKey = 'app' in labels ? 'app' : first(Object.keys(labels));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas,
      selector: { matchLabels: { [selectorKey]: labels[selectorKey] } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'registry.example/app:1.0',
              ports: ports.map((p) => ({
                name: p.name,
                containerPort: p.containerPort,
                protocol: p.protocol ?? 'TCP',
              })),
            },
          ],
        },
      },
    },
  };
}

function service(
  ns: string,
  name: string,
  selector: Record<string, string>,
  ports: { name: string; port: number; targetPort: string | number; protocol?: string }[],
  clusterIP?: string,
): Json {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: {
      ...(clusterIP ? { clusterIP } : {}),
      selector,
      ports: ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.targetPort,
        protocol: p.protocol ?? 'TCP',
      })),
    },
  };
}

function policy(ns: string, name: string, spec: Json): Json {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

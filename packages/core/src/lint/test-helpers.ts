import { formatPath, type Issue } from '../issues.js';
import { positionOf } from '../load/source.js';
import { loadCluster } from '../load-cluster.js';
import { type LintOptions, runLint } from './run-lint.js';

/** Object builders for lint and diff tests (valid objects, JSON documents in one stream). */

type Labels = Record<string, string>;
type Port = { containerPort: number; name?: string; protocol?: string };

export function namespace(name: string, labels: Labels = {}) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function pod(
  ns: string,
  name: string,
  labels: Labels = {},
  ports: Port[] = [],
  extra: object = {},
  status?: object,
) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'c', image: 'nginx', ...(ports.length ? { ports } : {}) }], ...extra },
    ...(status ? { status } : {}),
  };
}

export function deployment(ns: string, name: string, labels: Labels, ports: Port[] = []) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'c', image: 'nginx', ...(ports.length ? { ports } : {}) }] },
      },
    },
  };
}

export function policy(ns: string, name: string, spec: object, annotations?: Record<string, string>) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) },
    spec,
  };
}

/** The cluster DNS as the examples define it (kube-system coredns labelled k8s-app=kube-dns). */
export function coredns() {
  return deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [
    { containerPort: 53, name: 'dns', protocol: 'UDP' },
    { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
  ]);
}

export const ALLOW_DNS_RULE = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

export function stream(objects: readonly object[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n---\n');
}

export function loadText(text: string, name = 't.yaml') {
  const source = { name, text };
  const result = loadCluster([source]);
  if (!result.ok) throw new Error(`invalid test input: ${result.issues.map((i) => i.message).join('; ')}`);
  return { source, loaded: result.value };
}

export interface Finding {
  code: string;
  severity: string;
  object: string;
  path: string;
  line: number;
}

/** Lint objects (or YAML text); findings as comparable rows. */
export function lintFindings(input: readonly object[] | string, options: LintOptions = {}): Finding[] {
  const { source, loaded } = loadText(typeof input === 'string' ? input : stream(input));
  return runLint(loaded, options).map((f: Issue) => ({
    code: f.code,
    severity: f.severity,
    object: f.object ?? '',
    path: formatPath(f.path),
    line: f.range ? positionOf(source, f.range[0]).line : 0,
  }));
}

/**
 * Test fixtures: hand-written clusters exercising every feature the dataplane compiles, with
 * addresses inside the lab ranges (pods 198.18.0.0/16 above the gateway, outside hosts in
 * 203.0.113.0/24).
 */

export const FEATURES_EXTERNALS = ['203.0.113.10', '203.0.113.20'];

/** TCP and UDP ports the servers of lab tests listen on, and that the checks probe. */
export const FEATURES_PORTS = [
  { protocol: 'TCP', port: 53 },
  { protocol: 'TCP', port: 80 },
  { protocol: 'TCP', port: 5432 },
  { protocol: 'TCP', port: 8080 },
  { protocol: 'UDP', port: 53 },
  { protocol: 'UDP', port: 80 },
] as const;

const pod = (ns: string, name: string, ip: string, labels: Record<string, string>, ports = '[]') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)}}
spec: {containers: [{name: main, image: agnhost, ports: ${ports}}]}
status: {podIP: ${ip}}
`;

/**
 * Named ports (resolved on the destination, different numbers on different pods), endPort
 * ranges, ipBlock with except (for outside hosts and for pods), namespaceSelector with
 * podSelector, default deny both ways, UDP and an SCTP rule, Services with named and numeric
 * targetPorts and a hairpin (a deny-all pod reaching its own Service).
 */
export function featuresYaml(options: { otherLabels?: Record<string, string>; extraPolicy?: boolean } = {}): string {
  const docs = [
    `
apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {team: a}}`,
    pod(
      'default',
      'web',
      '198.18.1.10',
      { app: 'web', pool: 'yes' },
      `[{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]`,
    ),
    pod('default', 'client', '198.18.1.11', { app: 'client' }, `[{name: http, containerPort: 80}]`),
    pod('default', 'other', '198.18.1.12', options.otherLabels ?? { app: 'other', pool: 'yes' }),
    pod('prod', 'db', '198.18.2.10', { app: 'db' }, `[{name: pg, containerPort: 5432}]`),
    pod('prod', 'worker', '198.18.2.11', { app: 'worker' }),
    `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}, {name: dns, port: 53, protocol: UDP, targetPort: dns}]`,
    `
apiVersion: v1
kind: Service
metadata: {name: db, namespace: prod}
spec:
  selector: {app: db}
  ports: [{name: pg, port: 5432, targetPort: pg}, {name: sctp, port: 9999, protocol: SCTP}]`,
    `
apiVersion: v1
kind: Service
metadata: {name: worker, namespace: prod}
spec:
  selector: {app: worker}
  ports: [{port: 80, targetPort: 8080}]`,
    `
apiVersion: v1
kind: Service
metadata: {name: pool, namespace: default}
spec:
  selector: {pool: "yes"}
  ports: [{port: 80, targetPort: 8080}]`,
    `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-ingress, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: http}, {port: dns, protocol: UDP}, {port: 9999, protocol: SCTP}]
  - from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.10/32]}}]`,
    `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-egress, namespace: default}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: web}}}]
  - to: [{ipBlock: {cidr: 203.0.113.0/25}}]
    ports: [{port: 80}]
  - to: [{namespaceSelector: {matchLabels: {team: a}}}]
    ports: [{port: 53, protocol: UDP}, {port: 5000, endPort: 5432}]`,
    `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: prod}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: default}}
      podSelector: {matchExpressions: [{key: app, operator: In, values: [client, web]}]}
    - ipBlock: {cidr: 198.18.1.0/24, except: [198.18.1.11/32]}
    ports: [{port: pg}, {port: 53, endPort: 80, protocol: TCP}]`,
    `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: worker-deny, namespace: prod}
spec:
  podSelector: {matchLabels: {app: worker}}
  policyTypes: [Ingress, Egress]`,
  ];
  if (options.extraPolicy) {
    docs.push(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: other-deny, namespace: default}
spec:
  podSelector: {matchLabels: {app: other}}
  policyTypes: [Ingress]`);
  }
  return docs.join('\n---\n');
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCluster } from '@netpol/core';
import { preferredPort } from './preferred-port.js';

function policy(name: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: default}\nspec: ${spec}\n---\n`;
}

const DNS_EGRESS = policy(
  'dns',
  '{podSelector: {}, policyTypes: [Egress], egress: [{ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]}]}',
);
const WEB_INGRESS = (name: string, port: string) =>
  policy(name, `{podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: ${port}}]}]}`);

const cases: { name: string; yaml: string; ports: string[]; want: string | undefined }[] = [
  { name: 'no ports: none', yaml: '', ports: [], want: undefined },
  { name: 'no policy names a port: the first', yaml: '', ports: ['53/TCP', '80/TCP'], want: '53/TCP' },
  {
    name: 'the port two rules name wins over DNS named once per protocol',
    yaml: DNS_EGRESS + WEB_INGRESS('a', '80') + WEB_INGRESS('b', '80'),
    ports: ['53/TCP', '80/TCP', '53/UDP'],
    want: '80/TCP',
  },
  {
    name: 'a tie keeps core order (the earlier port)',
    yaml: DNS_EGRESS + WEB_INGRESS('a', '80'),
    ports: ['53/TCP', '80/TCP', '53/UDP'],
    want: '53/TCP',
  },
  {
    name: 'ingress rules of an Egress-only policy are not read by the engine, so not counted',
    yaml:
      DNS_EGRESS +
      policy('e', '{podSelector: {}, policyTypes: [Egress], ingress: [{ports: [{port: 80}]}, {ports: [{port: 80}]}]}'),
    ports: ['53/TCP', '80/TCP', '53/UDP'],
    want: '53/TCP',
  },
  {
    name: 'named ports and ranges are not a port to show',
    yaml: policy('n', '{podSelector: {}, ingress: [{ports: [{port: http}, {port: 80, endPort: 90}]}]}'),
    ports: ['53/TCP', '80/TCP'],
    want: '53/TCP',
  },
];

for (const c of cases) {
  test(`preferredPort: ${c.name}`, () => {
    const { cluster } = loadCluster([{ name: 'p.yaml', text: c.yaml }]).value;
    assert.equal(preferredPort(cluster, c.ports), c.want);
  });
}

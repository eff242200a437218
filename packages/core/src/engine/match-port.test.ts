import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodModel, PortModel, Protocol } from '../model/types.js';
import { matchPort } from './match-port.js';

const pod: PodModel = {
  id: 'x/a',
  namespace: 'x',
  name: 'a',
  labels: {},
  ips: ['10.0.0.1'],
  ports: [
    { name: 'http', port: 8080, protocol: 'TCP' },
    { name: 'dns', port: 53, protocol: 'UDP' },
  ],
  hostNetwork: false,
};

const rows: {
  name: string;
  rule: Omit<PortModel, 'index'>;
  protocol: Protocol;
  port: number | undefined;
  on?: PodModel;
  want: boolean;
}[] = [
  { name: 'number matches', rule: { protocol: 'TCP', port: 80 }, protocol: 'TCP', port: 80, want: true },
  { name: 'number, other protocol', rule: { protocol: 'TCP', port: 80 }, protocol: 'UDP', port: 80, want: false },
  { name: 'no port: every port of the protocol', rule: { protocol: 'UDP' }, protocol: 'UDP', port: 9999, want: true },
  { name: 'no port, other protocol', rule: { protocol: 'UDP' }, protocol: 'TCP', port: 9999, want: false },
  {
    name: 'no port matches an unresolved query',
    rule: { protocol: 'TCP' },
    protocol: 'TCP',
    port: undefined,
    want: true,
  },
  {
    name: 'number never matches an unresolved query',
    rule: { protocol: 'TCP', port: 80 },
    protocol: 'TCP',
    port: undefined,
    want: false,
  },
  {
    name: 'range start',
    rule: { protocol: 'TCP', port: 32000, endPort: 32768 },
    protocol: 'TCP',
    port: 32000,
    want: true,
  },
  {
    name: 'range end',
    rule: { protocol: 'TCP', port: 32000, endPort: 32768 },
    protocol: 'TCP',
    port: 32768,
    want: true,
  },
  {
    name: 'past range end',
    rule: { protocol: 'TCP', port: 32000, endPort: 32768 },
    protocol: 'TCP',
    port: 32769,
    want: false,
  },
  {
    name: 'named port on the destination',
    rule: { protocol: 'TCP', port: 'http' },
    protocol: 'TCP',
    port: 8080,
    on: pod,
    want: true,
  },
  {
    name: 'named port, other number',
    rule: { protocol: 'TCP', port: 'http' },
    protocol: 'TCP',
    port: 80,
    on: pod,
    want: false,
  },
  {
    name: 'named port, protocol mismatch',
    rule: { protocol: 'TCP', port: 'dns' },
    protocol: 'TCP',
    port: 53,
    on: pod,
    want: false,
  },
  { name: 'named UDP port', rule: { protocol: 'UDP', port: 'dns' }, protocol: 'UDP', port: 53, on: pod, want: true },
  {
    name: 'named port, outside destination',
    rule: { protocol: 'TCP', port: 'http' },
    protocol: 'TCP',
    port: 8080,
    want: false,
  },
];

for (const row of rows) {
  test(`matchPort: ${row.name}`, () => {
    assert.equal(matchPort({ ...row.rule, index: 0 }, row.protocol, row.port, row.on), row.want);
  });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIp } from '../model/cidr.js';
import type { PeerModel, PodModel } from '../model/types.js';
import { compilePeer, type PeerFacts } from './compile-policy.js';
import { matchPeer } from './match-peer.js';

function pod(namespace: string, labels: Record<string, string>, ip: string): PeerFacts {
  const model: PodModel = {
    id: `${namespace}/p`,
    namespace,
    name: 'p',
    labels,
    ips: [ip],
    ports: [],
    hostNetwork: false,
  };
  return {
    pod: model,
    namespaceLabels: { 'kubernetes.io/metadata.name': namespace, team: namespace === 'x' ? 'a' : 'b' },
    ip: parseIp(ip),
  };
}
const outside = (ip: string): PeerFacts => ({ ip: parseIp(ip) });
const sel = (matchLabels: Record<string, string>) => ({ matchLabels, matchExpressions: [] });

const rows: { name: string; peer: PeerModel; other: PeerFacts; want: boolean }[] = [
  {
    name: 'podSelector alone: own namespace',
    peer: { kind: 'selector', podSelector: sel({ app: 'a' }), index: 0 },
    other: pod('x', { app: 'a' }, '10.0.0.1'),
    want: true,
  },
  {
    name: 'podSelector alone: other namespace',
    peer: { kind: 'selector', podSelector: sel({ app: 'a' }), index: 0 },
    other: pod('y', { app: 'a' }, '10.0.0.1'),
    want: false,
  },
  {
    name: 'podSelector {}: every pod of own namespace',
    peer: { kind: 'selector', podSelector: sel({}), index: 0 },
    other: pod('x', {}, '10.0.0.1'),
    want: true,
  },
  {
    name: 'namespaceSelector alone: any pod there',
    peer: { kind: 'selector', namespaceSelector: sel({ team: 'b' }), index: 0 },
    other: pod('y', {}, '10.0.0.1'),
    want: true,
  },
  {
    name: 'namespaceSelector alone: not the own namespace unless it matches',
    peer: { kind: 'selector', namespaceSelector: sel({ team: 'b' }), index: 0 },
    other: pod('x', {}, '10.0.0.1'),
    want: false,
  },
  {
    name: 'both: AND (pod label missing)',
    peer: { kind: 'selector', namespaceSelector: sel({ team: 'b' }), podSelector: sel({ app: 'a' }), index: 0 },
    other: pod('y', { app: 'b' }, '10.0.0.1'),
    want: false,
  },
  {
    name: 'both: AND (both match)',
    peer: { kind: 'selector', namespaceSelector: sel({ team: 'b' }), podSelector: sel({ app: 'a' }), index: 0 },
    other: pod('y', { app: 'a' }, '10.0.0.1'),
    want: true,
  },
  {
    name: 'selectors never match outside addresses',
    peer: { kind: 'selector', namespaceSelector: sel({}), index: 0 },
    other: outside('203.0.113.1'),
    want: false,
  },
  {
    name: 'ipBlock: outside address in cidr',
    peer: { kind: 'ipBlock', cidr: '203.0.113.0/24', except: [], index: 0 },
    other: outside('203.0.113.1'),
    want: true,
  },
  {
    name: 'ipBlock: except',
    peer: { kind: 'ipBlock', cidr: '203.0.113.0/24', except: ['203.0.113.0/30'], index: 0 },
    other: outside('203.0.113.1'),
    want: false,
  },
  {
    name: 'ipBlock: pod IP',
    peer: { kind: 'ipBlock', cidr: '10.0.0.0/8', except: [], index: 0 },
    other: pod('y', {}, '10.0.0.1'),
    want: true,
  },
  {
    name: 'ipBlock: IPv4 block never matches IPv6',
    peer: { kind: 'ipBlock', cidr: '0.0.0.0/0', except: [], index: 0 },
    other: outside('2001:db8::1'),
    want: false,
  },
  {
    name: 'ipBlock: IPv6',
    peer: { kind: 'ipBlock', cidr: '2001:db8::/32', except: ['2001:db8:1::/48'], index: 0 },
    other: outside('2001:db8::1'),
    want: true,
  },
];

for (const row of rows) {
  test(`matchPeer: ${row.name}`, () => {
    assert.equal(matchPeer(compilePeer(row.peer), 'x', row.other), row.want);
  });
}

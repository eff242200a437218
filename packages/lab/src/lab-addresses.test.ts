import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, first } from '@netpol/core';
import {
  clusterAddressErrors,
  fixAddresses,
  isLabPodAddress,
  outsideAddressesWithoutHost,
  outsideHostErrors,
} from './lab-addresses.js';
import { labCluster, objectKey } from './lab-cluster.js';
import type { StoredObject } from './lab-state.js';

const pod = (name: string, podIP?: string): StoredObject => ({
  key: objectKey('Pod', 'default', name),
  value: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'x' }] },
    ...(podIP ? { status: { podIP, podIPs: [{ ip: podIP }] } } : {}),
  },
});
const service = (name: string, clusterIP: string): StoredObject => ({
  key: objectKey('Service', 'default', name),
  value: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { clusterIP, ports: [{ port: 80 }] },
  },
});

describe('lab addresses', () => {
  const rows: [string, string, boolean][] = [
    ['pod range', '198.18.7.7', true],
    ['service range is in the /15 too', '198.19.7.7', true],
    ['the node’s /24 is reserved', '198.18.0.9', false],
    ['a real cluster address', '10.1.2.3', false],
    ['not an address', 'x', false],
  ];
  for (const [name, ip, ok] of rows) it(name, () => assert.equal(isLabPodAddress(ip), ok));

  it('refuses pod addresses outside the lab, unless re-addressing', () => {
    const refused = fixAddresses([pod('a', '10.1.2.3'), pod('b', '198.18.5.5')], false);
    assert.equal(refused.errors.length, 1);
    assert.match(first(refused.errors), /default\/a/);
    const fixed = fixAddresses([pod('a', '10.1.2.3'), pod('b', '198.18.5.5')], true);
    assert.deepEqual(fixed.errors, []);
    assert.equal(fixed.notes.length, 1);
    const { cluster } = labCluster(fixed.objects);
    assert.ok(isLabPodAddress(first(cluster.pods.find((p) => p.id === 'default/a')!.ips)));
    assert.equal(cluster.pods.find((p) => p.id === 'default/b')!.ips[0], '198.18.5.5');
  });

  it('says which object and field each refused address is in, and finds shared ones', () => {
    const onlyList: StoredObject = {
      key: objectKey('Pod', 'default', 'c'),
      value: { ...pod('c').value, status: { podIPs: [{ ip: '10.9.9.9' }] } },
    };
    const { problems, errors } = fixAddresses(
      [pod('a', '10.1.2.3'), pod('b', '198.18.5.5'), pod('d', '198.18.5.5'), onlyList],
      false,
    );
    assert.deepEqual(
      problems.map((p) => [p.reason, p.index, p.object, p.path.join('.')]),
      [
        ['outside', 0, 'Pod default/a', 'status.podIP'],
        ['shared', 2, 'Pod default/d', 'status.podIP'],
        ['outside', 3, 'Pod default/c', 'status.podIPs.0.ip'],
      ],
    );
    assert.match(at(problems, 1).message, /Pod default\/b/);
    assert.match(at(errors, 2), /^Pod default\/c: status\.podIPs\[0\]\.ip 10\.9\.9\.9 /);
    // Re-addressing fixes what is outside, not what is shared.
    assert.deepEqual(
      fixAddresses([pod('a', '10.1.2.3'), pod('b', '198.18.5.5'), pod('d', '198.18.5.5')], true).problems.map(
        (p) => p.reason,
      ),
      ['shared'],
    );
  });

  it('re-assigns ClusterIPs outside the lab, keeps headless and in-range ones', () => {
    const fixed = fixAddresses([service('a', '10.96.0.1'), service('b', 'None'), service('c', '198.19.9.9')], false);
    assert.deepEqual(fixed.errors, []);
    assert.equal(fixed.notes.length, 1);
    const { cluster } = labCluster(fixed.objects);
    const ips = Object.fromEntries(cluster.services.map((s) => [s.name, s.clusterIP]));
    assert.ok(ips.a?.startsWith('198.19.'));
    assert.equal(ips.b, undefined);
    assert.equal(ips.c, '198.19.9.9');
  });

  it('gives Node objects the lab node address, keeps those on lab pod addresses (host-network pods)', () => {
    const node = (name: string, ...addresses: string[]): StoredObject => ({
      key: objectKey('Node', undefined, name),
      value: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { role: name } },
        status: { addresses: addresses.map((address) => ({ type: 'InternalIP', address })) },
      },
    });
    const fixed = fixAddresses(
      [node('real', '10.0.0.5', '10.0.0.6'), node('none'), node('host-pod', '198.18.3.3'), node('lab', '198.18.0.1')],
      false,
    );
    assert.deepEqual(fixed.errors, []);
    assert.deepEqual(fixed.notes, [
      "Node real: 10.0.0.5, 10.0.0.6 replaced by the lab node's 198.18.0.1",
      "Node none: no address replaced by the lab node's 198.18.0.1",
    ]);
    const { cluster } = labCluster(fixed.objects);
    assert.deepEqual(cluster.nodes?.map((n) => [n.name, n.addresses, n.labels.role]).sort(), [
      ['host-pod', ['198.18.3.3'], 'host-pod'],
      ['lab', ['198.18.0.1'], 'lab'],
      ['none', ['198.18.0.1'], 'none'],
      ['real', ['198.18.0.1'], 'real'],
    ]);
  });

  it('reports two pods with one address', () => {
    const { cluster } = labCluster([pod('a', '198.18.5.5'), pod('b', '198.18.5.5')]);
    assert.equal(clusterAddressErrors(cluster).length, 1);
  });
});

describe('outside addresses that ipBlock rules name without a lab host', () => {
  const policy = (cidr: string, except: string[]): StoredObject => ({
    key: objectKey('NetworkPolicy', 'default', 'p'),
    value: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', namespace: 'default' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr, except } }] }] },
    },
  });
  const rows: [string, string, string[], string[], string[]][] = [
    ['an except /32 without a host', '203.0.113.0/24', ['203.0.113.50/32'], ['203.0.113.10'], ['203.0.113.50']],
    ['a cidr /32 without a host', '203.0.113.7/32', [], ['203.0.113.10'], ['203.0.113.7']],
    ['covered by an outside host', '203.0.113.0/24', ['203.0.113.10/32'], ['203.0.113.10'], []],
    ['ranges are not single hosts', '203.0.113.0/24', ['203.0.113.64/26'], ['203.0.113.10'], []],
    ['addresses outside 203.0.113.0/24 are never lab hosts', '0.0.0.0/0', ['10.0.0.1/32'], [], []],
  ];
  for (const [name, cidr, except, hosts, expected] of rows) {
    it(name, () => {
      const { cluster } = labCluster([policy(cidr, except)]);
      assert.deepEqual(outsideAddressesWithoutHost(cluster, hosts), expected);
    });
  }
});

describe('lab addresses: the small cases (issue 16, item 17)', () => {
  it('a pod on the DNS ClusterIP (the lab adds kube-dns at 198.19.0.10) or on any ClusterIP is refused', () => {
    const dns = clusterAddressErrors(labCluster([pod('a', '198.19.0.10')]).cluster);
    assert.deepEqual(dns, ['Pod default/a: address 198.19.0.10 is the ClusterIP of Service kube-system/kube-dns']);
    const own = clusterAddressErrors(labCluster([pod('a', '198.19.3.3'), service('web', '198.19.3.3')]).cluster);
    assert.deepEqual(own, ['Pod default/a: address 198.19.3.3 is the ClusterIP of Service default/web']);
  });

  it("198.18.0.1 is refused as the node's reserved /24, not as outside the /15", () => {
    const fix = fixAddresses([pod('a', '198.18.0.1')], false);
    assert.equal(first(fix.problems).reason, 'reserved');
    assert.match(
      first(fix.problems).message,
      /198\.18\.0\.1 is in 198\.18\.0\.0\/24, which the lab keeps for its node/,
    );
    assert.doesNotMatch(first(fix.problems).message, /outside/);
    assert.equal(fixAddresses([pod('a', '198.18.0.1')], true).problems.length, 0, '--readdress fixes it');
    assert.equal(first(fixAddresses([pod('a', '10.0.0.1')], false).problems).reason, 'outside');
  });

  it('outside hosts: two on one address, or one name twice, are refused before anything is made', () => {
    assert.deepEqual(
      outsideHostErrors([
        { name: 'a.com', ip: '203.0.113.5' },
        { name: 'b.com', ip: '203.0.113.5' },
        { name: 'a.com', ip: '203.0.113.6' },
        { name: 'c.com', ip: '203.0.113.255' },
      ]),
      [
        'outside hosts a.com and b.com have the same address 203.0.113.5',
        'outside host a.com is named twice',
        'outside host c.com=203.0.113.255: not in 203.0.113.1-254',
      ],
    );
    assert.deepEqual(outsideHostErrors([{ name: 'example.com', ip: '203.0.113.10' }]), []);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keepForKind, pruneToKeep } from './stream-keep.js';

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'a',
    namespace: 'x',
    labels: { app: 'a' },
    annotations: { 'netpol.dev/lint-disable': 'all', 'kubectl.kubernetes.io/last-applied-configuration': '{...}' },
    managedFields: [{ manager: 'kubectl' }],
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a-1', uid: 'u', controller: true }],
  },
  spec: {
    hostNetwork: true,
    containers: [
      { name: 'c', image: 'i', env: [{ name: 'P', value: 'secret' }], ports: [{ containerPort: 80, bogus: 1 }] },
    ],
    volumes: [{ name: 'v' }],
  },
  status: { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }], conditions: [{ type: 'Ready' }] },
};

describe('keepForKind / pruneToKeep', () => {
  test('a Pod keeps labels, owners, ports, IPs, phase, hostNetwork; drops managedFields, env, conditions', () => {
    assert.deepEqual(pruneToKeep(POD, keepForKind('Pod', true)), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'a',
        namespace: 'x',
        labels: { app: 'a' },
        annotations: { 'netpol.dev/lint-disable': 'all' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a-1', uid: 'u', controller: true }],
      },
      // An unknown field of a strictly decoded struct (ContainerPort) stays: validation refuses it.
      spec: { hostNetwork: true, containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, bogus: 1 }] }] },
      status: { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }] },
    });
  });

  test('a kind netpol skips keeps its name only; a kind it reads without a schema keeps everything', () => {
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', labels: { a: 'b' } },
      data: { k: 'v' },
    };
    assert.deepEqual(pruneToKeep(configMap, keepForKind('ConfigMap', false)), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
    });
    assert.deepEqual(pruneToKeep(configMap, keepForKind('SomethingNew', true)), configMap);
  });
});

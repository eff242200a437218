import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atLeast, first, loadCluster } from '@netpol/core';
import { labCluster, reconcileReplicas, type StoredObject, storeObject } from '@netpol/lab';
import { UsageError } from '../io.js';
import { isLabelArg, kindOf, labelObjects, objectRefs, parseLabelArgs } from './lab-resources.js';

describe('lab delete/label: kubectl resource types', () => {
  const rows: [string, string][] = [
    ['networkpolicy', 'NetworkPolicy'],
    ['networkpolicies', 'NetworkPolicy'],
    ['NetworkPolicy', 'NetworkPolicy'],
    ['netpol', 'NetworkPolicy'],
    ['networkpolicies.networking.k8s.io', 'NetworkPolicy'],
    ['ns', 'Namespace'],
    ['namespaces', 'Namespace'],
    ['po', 'Pod'],
    ['pods', 'Pod'],
    ['svc', 'Service'],
    ['deploy', 'Deployment'],
    ['deployments', 'Deployment'],
  ];
  for (const [type, kind] of rows) it(type, () => assert.equal(kindOf(type), kind));
  it('an unknown type is a usage error with suggestions', () => {
    assert.throws(
      () => kindOf('netpols2'),
      (e) => e instanceof UsageError && /unknown resource type/.test(e.message) && /did you mean/.test(e.hint ?? ''),
    );
  });
});

describe('lab delete/label: objects named as kubectl names them', () => {
  it('TYPE NAME... in the namespace; Namespaces are cluster-scoped', () => {
    assert.deepEqual(
      objectRefs(['networkpolicy', 'a', 'b'], 'frontend').map((r) => r.key),
      ['NetworkPolicy/frontend/a', 'NetworkPolicy/frontend/b'],
    );
    assert.deepEqual(
      objectRefs(['namespace', 'frontend', 'random'], 'x').map((r) => r.key),
      ['Namespace//frontend', 'Namespace//random'],
    );
  });
  it('TYPE/NAME...', () => {
    assert.deepEqual(
      objectRefs(['pod/a', 'deploy/b'], 'default').map((r) => r.key),
      ['Pod/default/a', 'Deployment/default/b'],
    );
  });
  const bad: [string, string[], RegExp][] = [
    ['nothing', [], /name the objects/],
    ['a type without names', ['pod'], /NAME/],
    ['mixed forms', ['pod/a', 'b'], /TYPE\/NAME/],
    ['a bad name', ['pod', 'A_B'], /^object name: Invalid value: "A_B": a lowercase RFC 1123 subdomain/],
    // A namespace's name is a DNS label: a dot is a subdomain's, not a namespace's.
    [
      'a namespace name with a dot',
      ['namespace', 'a.b'],
      /^namespace name: Invalid value: "a\.b": must not contain dots$/,
    ],
    ['a name too long', ['pod', 'p'.repeat(254)], /^object name: .*must be no more than 253 characters$/],
  ];
  for (const [name, args, message] of bad) {
    it(name, () =>
      assert.throws(
        () => objectRefs(args, 'default'),
        (e) => e instanceof UsageError && message.test(e.message),
      ),
    );
  }
});

describe('lab label: KEY=VALUE and KEY- arguments', () => {
  it('tells labels from names', () => {
    assert.deepEqual(['pod', 'web', 'a=b', 'x-', 'team.io/role=', 'my-pod'].map(isLabelArg), [
      false,
      false,
      true,
      true,
      true,
      false,
    ]);
  });
  it('parses sets and removals', () => {
    assert.deepEqual(parseLabelArgs(['access=backend', 'old-', 'x.io/y=']), {
      set: { access: 'backend', 'x.io/y': '' },
      remove: ['old'],
    });
  });
  const bad: [string, string[], RegExp][] = [
    ['bad key', ['bad key=1'], /^bad key=1: label key: Invalid value: "bad key": name part must consist/],
    ['bad value', ['a=b c'], /^a=b c: label value: Invalid value: "b c": a valid label must be/],
    ['value too long', [`a=${'x'.repeat(64)}`], /label value: .*must be no more than 63 characters$/],
    // The name part of a key is at most 63 characters; its prefix a DNS subdomain.
    ['key name too long', [`x.io/${'k'.repeat(64)}=1`], /label key: .*name part must be no more than 63 characters$/],
    [
      'key prefix upper case',
      ['X.io/k=1'],
      /label key: Invalid value: "X\.io\/k": prefix part a lowercase RFC 1123 subdomain/,
    ],
  ];
  for (const [name, args, message] of bad) {
    it(name, () =>
      assert.throws(
        () => parseLabelArgs(args),
        (e) => e instanceof UsageError && message.test(e.message),
      ),
    );
  }
});

describe('lab label: what changes in the stored objects', () => {
  const yaml = `
apiVersion: v1
kind: Namespace
metadata: {name: frontend, labels: {access: frontend}}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: frontend, labels: {run: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: backend}
spec:
  selector: {matchLabels: {app: backend}}
  template: {metadata: {labels: {app: backend}}, spec: {containers: [{name: c, image: x}]}}
`;
  const objects: StoredObject[] = loadCluster([{ name: 't.yaml', text: yaml }]).value.objects.map(storeObject);
  const { cluster } = labCluster(objects);
  const label = (args: string[], labels: string[], overwrite = false) =>
    labelObjects(objects, cluster, objectRefs(args, 'frontend'), parseLabelArgs(labels), overwrite);
  const labelsOf = (o: StoredObject) => (o.value.metadata as { labels?: Record<string, string> }).labels;

  it('sets a label; the same value again is "not labeled"', () => {
    const [set] = atLeast(label(['pod', 'client'], ['access=allowed']), 1);
    assert.equal(set.status, 'labeled');
    assert.ok('object' in set);
    assert.deepEqual(labelsOf(set.object), { run: 'client', access: 'allowed' });
    assert.equal(first(label(['pod', 'client'], ['run=client'])).status, 'not labeled');
  });
  it('another value needs --overwrite, as in kubectl', () => {
    assert.equal(first(label(['namespace', 'frontend'], ['access=x'])).status, 'conflict');
    const [o] = atLeast(label(['namespace', 'frontend'], ['access=x'], true), 1);
    assert.ok('object' in o);
    assert.deepEqual(labelsOf(o.object), { access: 'x' });
  });
  it('KEY- removes', () => {
    const [o] = atLeast(label(['namespace', 'frontend'], ['access-']), 1);
    assert.ok('object' in o);
    assert.deepEqual(labelsOf(o.object), {});
  });
  it('a namespace that exists only because something is in it gets a Namespace object', () => {
    const [o] = atLeast(label(['namespace', 'backend'], ['access=backend']), 1);
    assert.ok('object' in o);
    assert.equal(o.object.key, 'Namespace//backend');
    assert.deepEqual(labelsOf(o.object), { access: 'backend' });
  });
  it('a workload replica is labelled on its own (the lab keeps a Pod per replica); an unknown object is not found', () => {
    const withReplicas = reconcileReplicas(objects).objects;
    const [replica] = atLeast(
      labelObjects(
        withReplicas,
        labCluster(withReplicas).cluster,
        objectRefs(['pod', 'backend-0'], 'backend'),
        parseLabelArgs(['a=b']),
        false,
      ),
      1,
    );
    assert.equal(replica.status, 'labeled');
    assert.ok('object' in replica);
    assert.equal(replica.object.key, 'Pod/backend/backend-0');
    assert.deepEqual(labelsOf(replica.object), { app: 'backend', a: 'b' });
    assert.equal(first(label(['pod', 'nope'], ['a=b'])).status, 'not found');
    assert.equal(first(label(['namespace', 'nope'], ['a=b'])).status, 'not found');
  });
});

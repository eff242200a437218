import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestNames } from './closest-names.js';

const NAMES = [
  'app/frontend-0',
  'app/worker',
  'db/postgres',
  'app/frontend[Deployment]',
  'kube-system/coredns[Deployment]',
  'kube-dns.kube-system.svc.cluster.local',
];

test('closestNames: wrong namespace finds the object by name', () => {
  assert.deepEqual(closestNames('default/frontend', NAMES, 2), ['app/frontend[Deployment]', 'app/frontend-0']);
});

test('closestNames: typos and partial DNS names', () => {
  assert.equal(closestNames('db/postgress', NAMES, 1)[0], 'db/postgres');
  assert.equal(closestNames('kube-dns.kube-system', NAMES, 1)[0], 'kube-dns.kube-system.svc.cluster.local');
  assert.equal(closestNames('kubedns', NAMES, 1)[0], 'kube-dns.kube-system.svc.cluster.local');
});

test('closestNames: part of the name', () => {
  assert.equal(
    closestNames('frontend/client', [...NAMES, 'frontend/frontend-client'], 1)[0],
    'frontend/frontend-client',
  );
});

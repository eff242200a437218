import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCluster } from '@netpol/core';
import { dnsLookup, dnsRecords } from './dns-records.js';

const yaml = `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: db}}
spec: {containers: [{name: c, image: db}]}
status: {podIP: 198.18.5.5}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x, labels: {app: db}}
spec: {containers: [{name: c, image: db}]}
status: {podIP: 198.18.5.6}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: x}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec: {clusterIP: 198.19.3.3, selector: {app: web}, ports: [{port: 80}]}
`;

describe('dnsRecords', () => {
  const cluster = loadCluster([{ name: 't.yaml', text: yaml }]).value.cluster;
  const records = dnsRecords(cluster, [{ name: 'example.com', ip: '203.0.113.10' }]);
  const rows: [string, string, readonly string[] | undefined][] = [
    ['Service → ClusterIP', 'web.x.svc.cluster.local', ['198.19.3.3']],
    ['headless Service → pod IPs', 'db.x.svc.cluster.local', ['198.18.5.5', '198.18.5.6']],
    ['outside host', 'example.com', ['203.0.113.10']],
    ['pod name by dashed IP', '198-18-5-5.x.pod.cluster.local', ['198.18.5.5']],
    ['trailing dot', 'web.x.svc.cluster.local.', ['198.19.3.3']],
    ['unknown service', 'nope.x.svc.cluster.local', undefined],
    ['search-list miss (curl web from another namespace)', 'web.y.svc.cluster.local', undefined],
    ['bad dashed IP', '999-1-1-1.x.pod.cluster.local', undefined],
    ['other domains are not answered', 'example.org', undefined],
  ];
  for (const [name, query, expected] of rows) {
    it(name, () => assert.deepEqual(dnsLookup(records, query), expected));
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCluster } from '@netpol/core';
import { findLabPod, missingProgram } from './lab-exec.js';

const yaml = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {replicas: 2, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: web}]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: curl}]}
`;

describe('findLabPod', () => {
  const cluster = loadCluster([{ name: 't.yaml', text: yaml }]).value.cluster;
  const rows: [string, string, string | undefined][] = [
    ['pod ns/name', 'shop/web-1', 'shop/web-1'],
    ['workload ns/name[Kind] is its first replica', 'shop/web[Deployment]', 'shop/web-0'],
    ['kind is case-insensitive', 'shop/web[deployment]', 'shop/web-0'],
    ['bare workload ns/name', 'shop/web', 'shop/web-0'],
    ['name alone is in default', 'client', 'default/client'],
    ['unknown pod', 'shop/nope', undefined],
    ['wrong kind', 'shop/web[StatefulSet]', undefined],
    ["kubectl's TYPE/NAME", 'deploy/web', undefined],
    ["kubectl's NS/TYPE/NAME", 'shop/deploy/web', 'shop/web-0'],
    ['pod/NAME', 'pod/client', 'default/client'],
  ];
  for (const [name, ref, expected] of rows) it(name, () => assert.equal(findLabPod(cluster, ref)?.id, expected));
});

describe('missingProgram: lab pods run the host programs, so a missing one is said before a pod is made', () => {
  const rows: [string, string[], string, string | undefined][] = [
    ['found on PATH', ['sh', '-c', 'true'], '/nonexistent:/bin:/usr/bin', undefined],
    ['not on PATH', ['nslookup', 'backend'], '/nonexistent', 'nslookup'],
    ['empty PATH entries are not the current directory', ['sh'], '::', 'sh'],
    ['an absolute path that exists', ['/bin/sh'], '', undefined],
    ['an absolute path that does not', ['/nonexistent/curl', '-s'], '/bin', '/nonexistent/curl'],
    ['a directory is not a program', ['/bin'], '', '/bin'],
  ];
  for (const [name, command, path, expected] of rows) {
    it(name, () => assert.equal(missingProgram(command, path), expected));
  }
});

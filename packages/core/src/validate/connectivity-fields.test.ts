import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldPath } from '../issues.js';
import { decidesConnectivity } from './connectivity-fields.js';

const named = { spec: { containers: [{ ports: [{ name: 'http', containerPort: 80 }, { containerport: 53 }] }] } };
const template = {
  spec: { template: { spec: { containers: [{ ports: [{ name: 'http' }, { containerPort: 9 }] }] } } },
};

/** [kind, path, code, fatal, why] */
const ROWS: [string, FieldPath, string, boolean, string][] = [
  // NetworkPolicy: everything under spec decides; the name and labels do not.
  ['NetworkPolicy', ['spec', 'podSelector', 'matchLabels'], 'field-invalid', true, 'selector'],
  ['NetworkPolicy', ['spec', 'ingress', 0, 'from', 1, 'ipBlock', 'cidr'], 'field-invalid', true, 'CIDR'],
  ['NetworkPolicy', ['spec', 'egress', 0, 'ports', 0, 'protocol'], 'field-not-supported', true, 'protocol'],
  ['NetworkPolicy', ['spec', 'policyTypes', 0], 'field-not-supported', true, 'policyTypes'],
  ['NetworkPolicy', ['spec', 'ingress', 0, 'form'], 'field-unknown', true, 'a misspelt from'],
  ['NetworkPolicy', ['metadata', 'name'], 'field-invalid', false, 'name with an underscore'],
  ['NetworkPolicy', ['metadata', 'labels'], 'field-invalid', false, "a policy's own labels"],
  ['NetworkPolicy', ['metadata', 'namespace'], 'field-invalid', true, 'namespace'],
  ['NetworkPolicy', ['apiVersion'], 'field-not-supported', false, 'the same policy in a removed version'],
  ['NetworkPolicy', ['metadata'], 'field-type', true, 'a mistyped metadata loses the namespace'],
  ['NetworkPolicy', ['metadata'], 'field-required', false, 'only a type error hides what is below'],
  // Pod: labels, ports with a name, address, phase, node, hostNetwork.
  ['Pod', ['metadata', 'labels'], 'field-invalid', true, 'labels'],
  ['Pod', ['spec', 'containers', 0, 'name'], 'field-required', false, 'container name'],
  ['Pod', ['spec', 'containers', 0, 'image'], 'field-type', false, 'image'],
  ['Pod', ['spec', 'containers', 0, 'ports', 0, 'containerPort'], 'field-invalid', true, 'a named port'],
  ['Pod', ['spec', 'containers', 0, 'ports', 1, 'containerport'], 'field-unknown', false, 'an unnamed port'],
  ['Pod', ['spec', 'containers', 0, 'ports'], 'field-type', true, 'ports replaced by their zero value'],
  ['Pod', ['spec', 'containers'], 'field-type', true, 'containers replaced by their zero value'],
  ['Pod', ['spec', 'hostNetwork'], 'field-type', true, 'hostNetwork'],
  ['Pod', ['status', 'podIP'], 'field-invalid', true, 'address'],
  ['Pod', ['status', 'phase'], 'field-type', true, 'phase'],
  ['Pod', ['metadata', 'ownerReferences', 0, 'uid'], 'field-required', false, 'ownerReference fields'],
  ['Pod', ['spec', 'restartPolicy'], 'field-not-supported', false, 'restartPolicy'],
  ['Pod', ['kind'], 'field-unknown', false, 'unknown top-level field'],
  // Workloads: the template decides, and the number of replicas.
  ['Deployment', ['spec', 'template', 'metadata', 'labels'], 'field-invalid', true, 'template labels'],
  ['Deployment', ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'name'], 'field-invalid', true, 'named'],
  [
    'Deployment',
    ['spec', 'template', 'spec', 'containers', 0, 'ports', 1, 'hostPort'],
    'field-invalid',
    false,
    'unnamed',
  ],
  ['Deployment', ['spec', 'replicas'], 'field-invalid', true, 'replicas'],
  ['Deployment', ['spec', 'selector'], 'field-invalid', false, "the workload's own selector"],
  ['Deployment', ['metadata', 'labels'], 'field-invalid', false, "the workload's own labels"],
  ['CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'], 'field-invalid', true, 'labels'],
  ['CronJob', ['spec', 'schedule'], 'field-required', false, 'schedule'],
  ['Job', ['spec', 'parallelism'], 'field-invalid', true, 'parallelism'],
  // Service: selector, ports, ClusterIP, type.
  ['Service', ['spec', 'selector'], 'field-invalid', true, 'selector'],
  ['Service', ['spec', 'ports', 0, 'targetPort'], 'field-invalid', true, 'targetPort'],
  ['Service', ['spec', 'clusterIP'], 'field-invalid', true, 'ClusterIP'],
  ['Service', ['metadata', 'name'], 'field-invalid', false, 'a DNS-1035 name'],
  // Admin tiers and nodes.
  ['ClusterNetworkPolicy', ['spec', 'egress', 0, 'to', 0, 'networks', 1], 'field-invalid', true, 'CIDR'],
  ['AdminNetworkPolicy', ['spec', 'priority'], 'field-invalid', true, 'priority'],
  ['BaselineAdminNetworkPolicy', ['metadata', 'name'], 'field-invalid', false, 'name'],
  ['Node', ['metadata', 'labels'], 'field-invalid', true, 'node labels'],
  ['Node', ['status', 'addresses', 0, 'address'], 'field-type', true, 'node address'],
  // Namespace: its labels (namespaceSelector), not its name's format.
  ['Namespace', ['metadata', 'labels'], 'field-invalid', true, 'namespace labels'],
  ['Namespace', ['metadata', 'name'], 'field-invalid', false, 'name format'],
];

describe('decidesConnectivity: which validation errors stay fatal in the analysis commands', () => {
  for (const [kind, path, code, fatal, why] of ROWS) {
    it(`${kind} ${path.join('.')} (${code}): ${fatal ? 'fatal' : 'a warning'}, ${why}`, () => {
      const value = kind === 'Pod' ? named : kind === 'Deployment' ? template : {};
      assert.equal(decidesConnectivity(kind, path, code, value), fatal);
    });
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atLeast } from '../at.js';
import { formatPath } from '../issues.js';
import { positionOf } from '../load/source.js';
import { loadCluster } from '../load-cluster.js';
import { isCIDR } from './admin-schemas.js';
import { SOME_RULES_NOT_CHECKED } from './crd-schema.js';
import { loaded } from './test-helpers.js';
import { validateObject } from './validate-object.js';

const CNP = 'policy.networking.k8s.io/v1alpha2';
const V1A1 = 'policy.networking.k8s.io/v1alpha1';

const lines = (kind: string, apiVersion: string, spec: unknown, name = 'p') =>
  validateObject(loaded(kind, { apiVersion, metadata: { name }, spec })).map(
    (i) => `${i.severity} ${i.code} ${formatPath(i.path)}: ${i.message}`,
  );

const subject = { namespaces: {} };
/** After a wrong type or an unsupported value the API server does not run the CEL rules. */
const BLOCKED = `error field-invalid : Invalid value: null: ${SOME_RULES_NOT_CHECKED}`;
const cnp = (spec: Record<string, unknown>) =>
  lines('ClusterNetworkPolicy', CNP, { tier: 'Admin', priority: 10, subject, ...spec });
const anp = (spec: Record<string, unknown>) => lines('AdminNetworkPolicy', V1A1, { priority: 10, subject, ...spec });
const egress = (rule: Record<string, unknown>) => ({ egress: [{ action: 'Deny', to: [{ namespaces: {} }], ...rule }] });

describe('ClusterNetworkPolicy v1alpha2: the CRD schema and CEL rules', () => {
  const cases: [string, string[], Record<string, unknown>][] = [
    ['a valid policy', [], egress({ protocols: [{ tcp: { destinationPort: { number: 53 } } }] })],
    [
      'a valid range and named port',
      [],
      {
        ingress: [
          {
            action: 'Pass',
            from: [{ pods: { podSelector: {} } }],
            protocols: [{ udp: { destinationPort: { range: { start: 1, end: 2 } } } }, { destinationNamedPort: 'dns' }],
          },
        ],
      },
    ],
    [
      'priority above 1000',
      [
        'error field-invalid spec.priority: Invalid value: 1001: spec.priority in body should be less than or equal to 1000',
      ],
      { priority: 1001 },
    ],
    ['tier missing', ['error field-required spec.tier: Required value'], { tier: undefined }],
    [
      'an unknown tier (and CEL skipped: nothing to skip here)',
      [
        'error field-not-supported spec.tier: Unsupported value: "Developer": supported values: "Admin", "Baseline"',
        BLOCKED,
      ],
      { tier: 'Developer' },
    ],
    [
      'a subject with both namespaces and pods',
      ['error field-invalid spec.subject: Too many: 2: must have at most 1 items'],
      { subject: { namespaces: {}, pods: { podSelector: {} } } },
    ],
    [
      'an empty subject',
      ['error field-invalid spec.subject: Invalid value: 0: spec.subject in body should have at least 1 properties'],
      { subject: {} },
    ],
    [
      'pods without podSelector',
      ['error field-required spec.subject.pods.podSelector: Required value'],
      { subject: { pods: { namespaceSelector: {} } } },
    ],
    [
      'an Allow action (v1alpha1 wording)',
      [
        'error field-not-supported spec.egress[0].action: Unsupported value: "Allow": supported values: "Accept", "Deny", "Pass"',
        BLOCKED,
      ],
      egress({ action: 'Allow' }),
    ],
    [
      'an empty peer list',
      [
        'error field-invalid spec.egress[0].to: Invalid value: 0: spec.egress[0].to in body should have at least 1 items',
      ],
      egress({ to: [] }),
    ],
    [
      'a range whose start is not below its end',
      [
        'error field-invalid spec.egress[0].protocols[0].tcp.destinationPort.range: Invalid value: "object": Start port must be less than End port',
      ],
      egress({ protocols: [{ tcp: { destinationPort: { range: { start: 80, end: 80 } } } }] }),
    ],
    [
      'a bad CIDR',
      ['error field-invalid spec.egress[0].to[0].networks[0]: Invalid value: "string": Invalid CIDR format provided'],
      egress({ to: [{ networks: ['10.0.0.0/33'] }] }),
    ],
    [
      'a duplicate network (list-type set)',
      ['error field-duplicate spec.egress[0].to[0].networks[1]: Duplicate value: "10.0.0.0/8"'],
      egress({ to: [{ networks: ['10.0.0.0/8', '10.0.0.0/8'] }] }),
    ],
    [
      'networks with a named port',
      [
        'error field-invalid spec.egress[0]: Invalid value: "object": networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames',
      ],
      egress({ to: [{ networks: ['10.0.0.0/8'] }], protocols: [{ destinationNamedPort: 'web' }] }),
    ],
    [
      'a pods peer with a named port (near miss)',
      [],
      egress({ to: [{ pods: { podSelector: {} } }], protocols: [{ destinationNamedPort: 'web' }] }),
    ],
    [
      'a bad domain name',
      [
        'error field-invalid spec.egress[0].to[0].domainNames[0]: Invalid value: "bad name": spec.egress[0].to[0].domainNames[0] in body should match \'^(\\*\\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.?$\'',
      ],
      egress({ action: 'Accept', to: [{ domainNames: ['bad name'] }] }),
    ],
    ['a wildcard domain name (near miss)', [], egress({ action: 'Accept', to: [{ domainNames: ['*.example.com'] }] })],
    [
      'a string priority blocks the CEL rules',
      [
        'error field-type spec.priority: Invalid value: "string": spec.priority in body must be of type integer: "string"',
        BLOCKED,
      ],
      { priority: 'high', ...egress({ to: [{ networks: ['nope'] }] }) },
    ],
    [
      'an unknown field',
      ['error field-unknown spec.egress[0].ports: strict decoding error: unknown field "spec.egress[0].ports"'],
      egress({ ports: [] }),
    ],
    [
      '26 rules',
      ['error field-invalid spec.ingress: Too many: 26: must have at most 25 items'],
      { ingress: Array.from({ length: 26 }, () => ({ action: 'Deny', from: [{ namespaces: {} }] })) },
    ],
    [
      'a rule name of 101 characters',
      ['error field-too-long spec.ingress[0].name: Too long: may not be more than 100 bytes'],
      { ingress: [{ name: 'x'.repeat(101), action: 'Deny', from: [{ namespaces: {} }] }] },
    ],
    [
      'a protocol with two ports fields',
      ['error field-invalid spec.egress[0].protocols[0]: Too many: 2: must have at most 1 items'],
      egress({ protocols: [{ tcp: { destinationPort: { number: 1 } }, udp: { destinationPort: { number: 1 } } }] }),
    ],
    [
      'tcp without destinationPort',
      [
        'error field-invalid spec.egress[0].protocols[0].tcp: Invalid value: 0: spec.egress[0].protocols[0].tcp in body should have at least 1 properties',
      ],
      egress({ protocols: [{ tcp: {} }] }),
    ],
    [
      'an invalid selector operator is a warning (the CRD accepts it)',
      [
        'warning field-warning spec.subject.namespaces: the CRD accepts this selector but implementations cannot convert it (metav1.LabelSelectorAsSelector fails); netpol treats it as matching nothing: Invalid value: "Has": not a valid selector operator',
      ],
      { subject: { namespaces: { matchExpressions: [{ key: 'a', operator: 'Has' }] } } },
    ],
  ];
  for (const [name, expected, spec] of cases) {
    it(name, () => assert.deepEqual(cnp(spec), expected));
  }

  it('a namespace on the cluster-scoped object is cleared, not refused; a bad name is refused', () => {
    const issues = validateObject(
      loaded('ClusterNetworkPolicy', {
        apiVersion: CNP,
        metadata: { name: 'Bad_Name', namespace: 'x' },
        spec: { tier: 'Admin', priority: 1, subject },
      }),
    );
    assert.deepEqual(
      issues.map((i) => `${i.code} ${formatPath(i.path)}`),
      ['field-invalid metadata.name'],
    );
  });

  it('the wrong apiVersion', () => {
    assert.deepEqual(lines('ClusterNetworkPolicy', V1A1, { tier: 'Admin', priority: 1, subject }), [
      'error field-not-supported apiVersion: Unsupported value: "policy.networking.k8s.io/v1alpha1": supported values: "policy.networking.k8s.io/v1alpha2"',
    ]);
  });
});

describe('AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1', () => {
  const cases: [string, string[], Record<string, unknown>][] = [
    [
      'a valid policy',
      [],
      {
        egress: [
          {
            action: 'Pass',
            to: [{ pods: { namespaceSelector: {}, podSelector: {} } }],
            ports: [{ portNumber: { port: 53 } }, { portRange: { start: 9000, end: 8000 } }],
          },
        ],
      },
    ],
    [
      'an Accept action (v1alpha2 wording)',
      [
        'error field-not-supported spec.ingress[0].action: Unsupported value: "Accept": supported values: "Allow", "Deny", "Pass"',
        BLOCKED,
      ],
      { ingress: [{ action: 'Accept', from: [{ namespaces: {} }] }] },
    ],
    [
      'pods without namespaceSelector',
      ['error field-required spec.subject.pods.namespaceSelector: Required value'],
      { subject: { pods: { podSelector: {} } } },
    ],
    ['priority missing', ['error field-required spec.priority: Required value'], { priority: undefined }],
    [
      'nodes with a named port',
      [
        'error field-invalid spec.egress[0]: Invalid value: "object": networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames',
      ],
      { egress: [{ action: 'Deny', to: [{ nodes: {} }], ports: [{ namedPort: 'web' }] }] },
    ],
    [
      '101 peers',
      ['error field-invalid spec.ingress[0].from: Too many: 101: must have at most 100 items'],
      { ingress: [{ action: 'Deny', from: Array.from({ length: 101 }, () => ({ namespaces: {} })) }] },
    ],
  ];
  for (const [name, expected, spec] of cases) {
    it(name, () => assert.deepEqual(anp(spec), expected));
  }

  const banp = (spec: Record<string, unknown>, name = 'default') =>
    lines('BaselineAdminNetworkPolicy', V1A1, { subject, ...spec }, name);
  it('a baseline policy must be named default (a root CEL rule)', () => {
    assert.deepEqual(banp({}, 'other'), [
      'error field-invalid : Invalid value: "object": Only one baseline admin network policy with metadata.name="default" can be created in the cluster',
    ]);
    assert.deepEqual(banp({}), []);
  });
  it('a baseline policy has no Pass, no priority, no domainNames', () => {
    assert.deepEqual(banp({ priority: 1, egress: [{ action: 'Pass', to: [{ domainNames: ['a.b'] }] }] }), [
      'error field-unknown spec.priority: strict decoding error: unknown field "spec.priority"',
      'error field-not-supported spec.egress[0].action: Unsupported value: "Pass": supported values: "Allow", "Deny"',
      'error field-unknown spec.egress[0].to[0].domainNames: strict decoding error: unknown field "spec.egress[0].to[0].domainNames"',
      BLOCKED,
    ]);
  });
});

describe('kind: Node', () => {
  it('reads a node from kubectl get nodes -o json; a bad address type is a decode error', () => {
    const node = (status: unknown) =>
      validateObject(
        loaded('Node', { metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } }, status }),
      ).map((i) => `${i.code} ${formatPath(i.path)}`);
    assert.deepEqual(node({ addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] }), []);
    assert.deepEqual(node({ addresses: [{ type: 'InternalIP', address: 10 }] }), [
      'field-type status.addresses[0].address',
    ]);
  });
});

describe('isCIDR (the CEL library function)', () => {
  const cases: [string, boolean][] = [
    ['10.0.0.0/8', true],
    ['10.0.0.1/8', true],
    ['fd00::/8', true],
    ['10.0.0.0', false],
    ['10.0.0.0/33', false],
    ['010.0.0.0/8', false],
    ['10.0.0.0/08', false],
    ['::ffff:10.0.0.0/104', false],
  ];
  for (const [text, valid] of cases) it(`${text} → ${valid}`, () => assert.equal(isCIDR(text), valid));
});

describe('through the load pipeline: file:line:col, object and field path', () => {
  const text = `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata:
  name: guard
spec:
  tier: Admin
  priority: 10
  subject:
    namespaces: {}
  egress:
    - action: Deny
      to:
        - networks: ["10.0.0.0/8", "300.0.0.0/8"]
`;
  it('a CEL error points at the item it is about', () => {
    const result = loadCluster([{ name: 'guard.yaml', text }]);
    assert.equal(result.ok, false);
    const [issue] = atLeast(result.issues, 1);
    const at = positionOf({ name: 'guard.yaml', text }, issue.range?.[0] ?? -1);
    assert.deepEqual(
      [issue.object, formatPath(issue.path), `${at.line}:${at.col}`, issue.message],
      [
        'ClusterNetworkPolicy guard',
        'spec.egress[0].to[0].networks[1]',
        '13:36',
        'Invalid value: "string": Invalid CIDR format provided',
      ],
    );
  });
  it('a valid policy reaches the model, cluster-scoped, in consult order', () => {
    const fixed = text.replace('300.0.0.0/8', '192.168.0.0/16');
    const second = fixed.replace('name: guard', 'name: another').replace('priority: 10', 'priority: 5');
    const result = loadCluster([{ name: 'guard.yaml', text: `${fixed}---\n${second}` }]);
    assert.ok(result.ok, result.issues.map((i) => i.message).join('; '));
    assert.deepEqual(
      result.value.cluster.adminPolicies?.map((p) => `${p.id} ${p.tier} ${p.priority}`),
      ['ClusterNetworkPolicy/another admin 5', 'ClusterNetworkPolicy/guard admin 10'],
    );
  });
});

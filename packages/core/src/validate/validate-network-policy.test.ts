import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsOf, loaded, policy, summary } from './test-helpers.js';
import { validateObject } from './validate-object.js';

/**
 * Cases from upstream pkg/apis/networking/validation/validation_test.go
 * (TestValidateNetworkPolicy and friends): valid ones must pass, invalid ones must fail at the
 * same field path with the same error type.
 */

const ab = { matchLabels: { a: 'b' } };
const cd = { matchLabels: { c: 'd' } };
const invalidSelector = { matchLabels: { 'NoUppercaseOrSpecialCharsLike=Equals': 'b' } };
const ipBlock = { cidr: '192.168.0.0/16', except: ['192.168.3.0/24', '192.168.4.0/24'] };

const successCases: [string, unknown][] = [
  ['empty ingress', { podSelector: ab, ingress: [] }],
  ['empty from and ports', { podSelector: ab, ingress: [{ from: [], ports: [] }] }],
  [
    'ports: number, protocol only, both, named',
    {
      podSelector: ab,
      ingress: [
        {
          ports: [{ port: 80 }, { protocol: 'TCP' }, { protocol: 'TCP', port: 443 }, { protocol: 'UDP', port: 'dns' }],
        },
      ],
    },
  ],
  ['from podSelector', { podSelector: ab, ingress: [{ from: [{ podSelector: cd }] }] }],
  ['from namespaceSelector', { podSelector: ab, ingress: [{ from: [{ namespaceSelector: cd }] }] }],
  [
    'from namespaceSelector and podSelector in one peer',
    { podSelector: ab, ingress: [{ from: [{ namespaceSelector: cd, podSelector: { matchLabels: { e: 'f' } } }] }] },
  ],
  ['egress to namespaceSelector', { podSelector: ab, egress: [{ to: [{ namespaceSelector: cd }] }] }],
  ['from ipBlock with except', { podSelector: ab, ingress: [{ from: [{ ipBlock }] }] }],
  ['from ipBlock without except', { podSelector: ab, ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }] }],
  ['to ipBlock with except', { podSelector: ab, egress: [{ to: [{ ipBlock }] }] }],
  ['policyTypes Egress', { podSelector: ab, egress: [{ to: [{ namespaceSelector: cd }] }], policyTypes: ['Egress'] }],
  ['policyTypes Ingress and Egress', { podSelector: ab, policyTypes: ['Ingress', 'Egress'] }],
  ['duplicate policyTypes (accepted by the API server)', { podSelector: {}, policyTypes: ['Ingress', 'Ingress'] }],
  ['port range', { podSelector: ab, egress: [{ ports: [{ port: 32000, endPort: 32768 }] }] }],
  ['UDP port range', { podSelector: ab, egress: [{ ports: [{ protocol: 'UDP', port: 32000, endPort: 32768 }] }] }],
  ['port range of one port', { podSelector: ab, egress: [{ ports: [{ port: 443, endPort: 443 }] }] }],
  ['SCTP', { podSelector: ab, ingress: [{ ports: [{ protocol: 'SCTP', port: 7777 }] }] }],
  [
    'IPv6 ipBlock',
    {
      podSelector: ab,
      ingress: [
        { from: [{ ipBlock: { cidr: 'fd00:192:168::/48', except: ['fd00:192:168:3::/64', 'fd00:192:168:4::/64'] } }] },
      ],
    },
  ],
  [
    'every selector operator',
    {
      podSelector: {
        matchExpressions: [
          { key: 'foo', operator: 'In', values: ['bar'] },
          { key: 'example.com/tier', operator: 'NotIn', values: ['a', 'b'] },
          { key: 'x', operator: 'Exists' },
          { key: 'y', operator: 'DoesNotExist', values: [] },
        ],
      },
    },
  ],
  ['empty podSelector and no rules', { podSelector: {} }],
  ['podSelector omitted', {}],
  ['host bits in cidr (a warning, not an error)', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.1/8' } }] }] }],
];

const errorCases: [string, unknown, string[]][] = [
  [
    'namespaceSelector and ipBlock',
    { ingress: [{ from: [{ namespaceSelector: cd, ipBlock }] }] },
    ['field-forbidden spec.ingress[0].from[0]'],
  ],
  [
    'podSelector and ipBlock',
    { egress: [{ to: [{ podSelector: cd, ipBlock }] }] },
    ['field-forbidden spec.egress[0].to[0]'],
  ],
  ['missing from and to type', { ingress: [{ from: [{}] }] }, ['field-required spec.ingress[0].from[0]']],
  ['missing peer in egress', { egress: [{ to: [{}] }] }, ['field-required spec.egress[0].to[0]']],
  ['invalid spec.podSelector', { podSelector: invalidSelector }, ['field-invalid spec.podSelector.matchLabels']],
  [
    'invalid ingress.ports.protocol',
    { ingress: [{ ports: [{ protocol: 'ICMP', port: 80 }] }] },
    ['field-not-supported spec.ingress[0].ports[0].protocol'],
  ],
  [
    'invalid ingress.ports.port (int)',
    { ingress: [{ ports: [{ protocol: 'TCP', port: 123456789 }] }] },
    ['field-invalid spec.ingress[0].ports[0].port'],
  ],
  [
    'invalid ingress.ports.port (str)',
    { ingress: [{ ports: [{ protocol: 'TCP', port: '!@#$' }] }] },
    ['field-invalid spec.ingress[0].ports[0].port', 'field-invalid spec.ingress[0].ports[0].port'],
  ],
  ['port 0', { ingress: [{ ports: [{ port: 0 }] }] }, ['field-invalid spec.ingress[0].ports[0].port']],
  [
    'invalid ingress.from.podSelector',
    { ingress: [{ from: [{ podSelector: invalidSelector }] }] },
    ['field-invalid spec.ingress[0].from[0].podSelector.matchLabels'],
  ],
  [
    'invalid egress.to.podSelector',
    { egress: [{ to: [{ podSelector: invalidSelector }] }] },
    ['field-invalid spec.egress[0].to[0].podSelector.matchLabels'],
  ],
  [
    'invalid egress.ports.protocol',
    { egress: [{ ports: [{ protocol: 'ICMP', port: 80 }] }] },
    ['field-not-supported spec.egress[0].ports[0].protocol'],
  ],
  [
    'invalid ingress.from.namespaceSelector',
    { ingress: [{ from: [{ namespaceSelector: invalidSelector }] }] },
    ['field-invalid spec.ingress[0].from[0].namespaceSelector.matchLabels'],
  ],
  [
    'missing cidr field',
    { ingress: [{ from: [{ ipBlock: { except: ['192.168.8.0/24'] } }] }] },
    ['field-required spec.ingress[0].from[0].ipBlock.cidr'],
  ],
  [
    'invalid cidr format',
    { ingress: [{ from: [{ ipBlock: { cidr: '192.168.5.6' } }] }] },
    ['field-invalid spec.ingress[0].from[0].ipBlock.cidr'],
  ],
  [
    'invalid ipv6 cidr format',
    { ingress: [{ from: [{ ipBlock: { cidr: 'fd00:192:168::' } }] }] },
    ['field-invalid spec.ingress[0].from[0].ipBlock.cidr'],
  ],
  [
    'except field is an empty string',
    { ingress: [{ from: [{ ipBlock: { cidr: '192.168.8.0/24', except: [''] } }] }] },
    ['field-invalid spec.ingress[0].from[0].ipBlock.except[0]'],
  ],
  [
    'except field is a space string',
    { ingress: [{ from: [{ ipBlock: { cidr: '192.168.8.0/24', except: [' '] } }] }] },
    ['field-invalid spec.ingress[0].from[0].ipBlock.except[0]'],
  ],
  [
    'except field is an invalid ip',
    { ingress: [{ from: [{ ipBlock: { cidr: '192.168.8.0/24', except: ['300.300.300.300'] } }] }] },
    ['field-invalid spec.ingress[0].from[0].ipBlock.except[0]'],
  ],
  [
    'except IP is outside of CIDR range',
    { ingress: [{ from: [{ ipBlock: { cidr: '192.168.8.0/24', except: ['192.168.9.1/24'] } }] }] },
    ['field-invalid spec.ingress[0].from[0].ipBlock.except[0]'],
  ],
  [
    'except IP is not strictly within CIDR range',
    { ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/24', except: ['192.168.0.0/24'] } }] }] },
    ['field-invalid spec.ingress[0].from[0].ipBlock.except[0]'],
  ],
  [
    'except IPv6 is outside of CIDR range',
    { ingress: [{ from: [{ ipBlock: { cidr: 'fd00:192:168:1::/64', except: ['fd00:192:168:2::/64'] } }] }] },
    ['field-invalid spec.ingress[0].from[0].ipBlock.except[0]'],
  ],
  [
    'except of the other IP family',
    { egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['fd00::/8'] } }] }] },
    ['field-invalid spec.egress[0].to[0].ipBlock.except[0]'],
  ],
  [
    'invalid policyTypes',
    { policyTypes: ['foo', 'bar'] },
    ['field-not-supported spec.policyTypes[0]', 'field-not-supported spec.policyTypes[1]'],
  ],
  ['too many policyTypes', { policyTypes: ['foo', 'bar', 'baz'] }, ['field-invalid spec.policyTypes']],
  [
    'too many policyTypes, even if all are valid',
    { policyTypes: ['Ingress', 'Egress', 'Ingress'] },
    ['field-invalid spec.policyTypes'],
  ],
  [
    'multiple ports defined, one port range is invalid',
    { egress: [{ ports: [{ protocol: 'UDP', port: 35000, endPort: 32000 }, { port: 80 }] }] },
    ['field-invalid spec.egress[0].ports[0].endPort'],
  ],
  [
    'endPort defined with named/string port',
    { egress: [{ ports: [{ protocol: 'UDP', port: 'dns', endPort: 32000 }] }] },
    ['field-invalid spec.egress[0].ports[0].endPort'],
  ],
  [
    'endPort defined without port defined',
    { egress: [{ ports: [{ protocol: 'TCP', endPort: 32000 }] }] },
    ['field-invalid spec.egress[0].ports[0].endPort'],
  ],
  [
    'port is greater than endPort',
    { egress: [{ ports: [{ protocol: 'SCTP', port: 35000, endPort: 32000 }] }] },
    ['field-invalid spec.egress[0].ports[0].endPort'],
  ],
  [
    'multiple invalid port ranges defined',
    {
      egress: [
        {
          ports: [
            { protocol: 'UDP', port: 35000, endPort: 32000 },
            { protocol: 'TCP', port: 0, endPort: 32000 },
            { protocol: 'TCP', port: 33000, endPort: 32000 },
          ],
        },
      ],
    },
    [
      'field-invalid spec.egress[0].ports[0].endPort',
      'field-invalid spec.egress[0].ports[1].port',
      'field-invalid spec.egress[0].ports[2].endPort',
    ],
  ],
  [
    'invalid endport range defined',
    { egress: [{ ports: [{ protocol: 'TCP', port: 30000, endPort: 65537 }] }] },
    ['field-invalid spec.egress[0].ports[0].endPort'],
  ],
  [
    'In without values',
    { podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } },
    ['field-required spec.podSelector.matchExpressions[0].values'],
  ],
  [
    'NotIn without values',
    { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'NotIn' }] } }] }] },
    ['field-required spec.ingress[0].from[0].podSelector.matchExpressions[0].values'],
  ],
  [
    'Exists with values',
    { podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['b'] }] } },
    ['field-forbidden spec.podSelector.matchExpressions[0].values'],
  ],
  [
    'DoesNotExist with values',
    { podSelector: { matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['b'] }] } },
    ['field-forbidden spec.podSelector.matchExpressions[0].values'],
  ],
  [
    'unknown operator',
    { podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] } },
    ['field-invalid spec.podSelector.matchExpressions[0].operator'],
  ],
  [
    'invalid key and value in an expression',
    { podSelector: { matchExpressions: [{ key: 'bad key', operator: 'In', values: ['ok', 'not ok!'] }] } },
    [
      'field-invalid spec.podSelector.matchExpressions[0].key',
      'field-invalid spec.podSelector.matchExpressions[0].values[1]',
    ],
  ],
  [
    'invalid matchLabels value',
    { podSelector: { matchLabels: { app: '-web' } } },
    ['field-invalid spec.podSelector.matchLabels'],
  ],
];

describe('validateNetworkPolicy (upstream cases)', () => {
  for (const [name, spec] of successCases) {
    it(`accepts: ${name}`, () => {
      assert.deepEqual(errorsOf('NetworkPolicy', policy(spec)), []);
    });
  }
  for (const [name, spec, expected] of errorCases) {
    it(`rejects: ${name}`, () => {
      assert.deepEqual(errorsOf('NetworkPolicy', policy(spec)), expected);
    });
  }
});

describe('validateNetworkPolicy: object meta', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a DNS-1123 subdomain name', { name: 'allow.dns-53', namespace: 'prod' }, []],
    ['no name', { namespace: 'prod' }, ['field-required metadata.name']],
    ['generateName instead of name', { generateName: 'np-' }, []],
    ['upper case name', { name: 'AllowDNS' }, ['field-invalid metadata.name']],
    ['name with underscore', { name: 'allow_dns' }, ['field-invalid metadata.name']],
    ['name too long', { name: 'a'.repeat(254) }, ['field-invalid metadata.name']],
    ['namespace with a dot', { name: 'p', namespace: 'a.b' }, ['field-invalid metadata.namespace']],
    ['bad label key', { name: 'p', labels: { 'a/b/c': 'x' } }, ['field-invalid metadata.labels']],
    ['bad annotation key', { name: 'p', annotations: { '-x': 'y' } }, ['field-invalid metadata.annotations']],
    ['annotation keys are case-insensitive', { name: 'p', annotations: { 'Example.COM/Key': 'y' } }, []],
    [
      'annotations over 256 KiB',
      { name: 'p', annotations: { big: 'x'.repeat(262142) } },
      ['field-too-long metadata.annotations'],
    ],
    ['negative generation', { name: 'p', generation: -1 }, ['field-invalid metadata.generation']],
    [
      'owner reference without uid',
      { name: 'p', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x' }] },
      ['field-invalid metadata.ownerReferences.uid'],
    ],
  ];
  for (const [name, metadata, expected] of cases) {
    it(name, () => assert.deepEqual(errorsOf('NetworkPolicy', policy({}, metadata)), expected));
  }
});

describe('validateNetworkPolicy: CIDRs as upstream (StrictIPCIDRValidation off)', () => {
  const cidrIssues = (cidr: string, except: string[] = []) =>
    validateObject(loaded('NetworkPolicy', policy({ ingress: [{ from: [{ ipBlock: { cidr, except } }] }] }))).map(
      (i) => ({ severity: i.severity, path: summary([i])[0], message: i.message }),
    );

  it('accepts host bits with an "ambiguous" warning', () => {
    assert.deepEqual(cidrIssues('10.0.0.1/8'), [
      {
        severity: 'warning',
        path: 'field-warning spec.ingress[0].from[0].ipBlock.cidr',
        message: 'CIDR value "10.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?)',
      },
    ]);
  });

  it('accepts leading zeros with a "non-standard" warning', () => {
    assert.deepEqual(
      cidrIssues('010.001.0.0/016').map((i) => i.message),
      [
        'non-standard CIDR value "010.001.0.0/016" will be considered invalid in a future Kubernetes release: use "10.1.0.0/16"',
      ],
    );
  });

  it('accepts IPv4-mapped IPv6 with a warning naming the IPv4 form', () => {
    assert.deepEqual(
      cidrIssues('::ffff:10.0.0.0/104').map((i) => i.message),
      [
        'non-standard CIDR value "::ffff:10.0.0.0/104" will be considered invalid in a future Kubernetes release: use "10.0.0.0/8"',
      ],
    );
  });

  it('warns about IPv6 that is not in RFC 5952 form', () => {
    assert.deepEqual(
      cidrIssues('FD00:0:0::/8').map((i) => i.message),
      ['IPv6 CIDR value "FD00:0:0::/8" should be in RFC 5952 canonical format ("fd00::/8")'],
    );
  });

  it('checks except entries on the network of a sloppy cidr and warns on each', () => {
    const issues = cidrIssues('10.0.0.1/8', ['10.1.0.0/16', '10.1.0.1/16']);
    assert.deepEqual(
      issues.map((i) => `${i.severity} ${i.path}`),
      [
        'warning field-warning spec.ingress[0].from[0].ipBlock.cidr',
        'warning field-warning spec.ingress[0].from[0].ipBlock.except[1]',
      ],
    );
  });

  it('refuses what ParseCIDR refuses', () => {
    for (const bad of [
      '10.0.0.0/33',
      '10.0.0.0/',
      '10.0.0/8',
      '10.0.0.0/8/8',
      '::/129',
      'fe80::1%eth0/64',
      '10.0.0.0/-1',
    ]) {
      assert.deepEqual(
        cidrIssues(bad).map((i) => i.path),
        ['field-invalid spec.ingress[0].from[0].ipBlock.cidr'],
        bad,
      );
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDNS1123Subdomain, isQualifiedName, isValidPortName } from './formats.js';
import { loaded, policy } from './test-helpers.js';
import { validateObject } from './validate-object.js';

/** The API server's wording, character for character (these strings are what kubectl prints). */
describe('messages read like the API server', () => {
  const messages = (spec: unknown) =>
    Object.fromEntries(validateObject(loaded('NetworkPolicy', policy(spec))).map((i) => [i.path.join('.'), i.message]));

  it('formats Required, Forbidden, Invalid and Unsupported as field.Error.ErrorBody', () => {
    assert.deepEqual(
      messages({
        ingress: [
          {
            from: [{}, { podSelector: {}, ipBlock: { cidr: '' } }],
            ports: [{ protocol: 'ICMP', port: 70000 }],
          },
        ],
        policyTypes: ['foo', 'bar', 'baz'],
      }),
      {
        'spec.ingress.0.from.0': 'Required value: must specify a peer',
        'spec.ingress.0.from.1.ipBlock.cidr': 'Required value',
        'spec.ingress.0.from.1': 'Forbidden: may not specify both ipBlock and another peer',
        'spec.ingress.0.ports.0.protocol': 'Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
        'spec.ingress.0.ports.0.port': 'Invalid value: 70000: must be between 1 and 65535, inclusive',
        'spec.policyTypes':
          'Invalid value: []networking.PolicyType{"foo", "bar", "baz"}: may not specify more than two policyTypes',
      },
    );
  });

  it('words endPort and except rules as upstream', () => {
    assert.deepEqual(
      messages({
        egress: [
          {
            ports: [{ port: 90, endPort: 80 }, { port: 'dns', endPort: 80 }, { endPort: 80 }],
            to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }],
          },
        ],
      }),
      {
        'spec.egress.0.ports.0.endPort': 'Invalid value: 80: must be greater than or equal to `port`',
        'spec.egress.0.ports.1.endPort': 'Invalid value: 80: may not be specified when `port` is non-numeric',
        'spec.egress.0.ports.2.endPort': 'Invalid value: 80: may not be specified when `port` is not specified',
        'spec.egress.0.to.0.ipBlock.except.0': 'Invalid value: "11.0.0.0/16": must be a strict subset of `cidr`',
      },
    );
  });

  it('keeps apimachinery regex messages, double spaces included', () => {
    assert.deepEqual(isQualifiedName('a b'), [
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
    assert.deepEqual(isDNS1123Subdomain('A'), [
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    assert.deepEqual(isValidPortName('-Http--'), [
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must not contain consecutive hyphens',
      'must not begin or end with a hyphen',
    ]);
  });
});

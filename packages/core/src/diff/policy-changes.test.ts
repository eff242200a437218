import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadText, policy, stream } from '../lint/test-helpers.js';
import { describePolicyChange } from './policy-changes.js';

const only = (spec: object) => {
  const found = loadText(stream([policy('shop', 'p', spec)])).loaded.cluster.policies[0];
  assert.ok(found);
  return found;
};

describe('describePolicyChange', () => {
  const cases: { name: string; before: object; after: object; expect: string[] }[] = [
    {
      name: 'seed 002 example 5 → 6: the AND peer becomes two peers',
      before: {
        podSelector: { matchLabels: { app: 'secure-api' } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { user: 'alice' } },
                podSelector: { matchLabels: { role: 'client' } },
              },
            ],
          },
        ],
      },
      after: {
        podSelector: { matchLabels: { app: 'secure-api' } },
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { user: 'alice' } } },
              { podSelector: { matchLabels: { role: 'client' } } },
            ],
          },
        ],
      },
      expect: [
        '-ingress from pods role=client in namespaces user=alice, on every port',
        '+ingress from every pod in namespaces user=alice or pods role=client in namespace shop, on every port',
      ],
    },
    {
      name: 'selector widened, egress added, a port changed',
      before: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 8080 }] }] },
      after: {
        podSelector: {},
        ingress: [{ ports: [{ port: 9090 }] }],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
      },
      expect: [
        'podSelector app=web → {}',
        'policyTypes [Ingress] → [Ingress, Egress]',
        '-ingress from anywhere, on 8080/TCP',
        '+ingress from anywhere, on 9090/TCP',
        '+egress to ipBlock 10.0.0.0/8, on every port',
      ],
    },
    {
      name: 'rules reordered: nothing to say',
      before: { podSelector: {}, ingress: [{ ports: [{ port: 1 }] }, { ports: [{ port: 2 }] }] },
      after: { podSelector: {}, ingress: [{ ports: [{ port: 2 }] }, { ports: [{ port: 1 }] }] },
      expect: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(describePolicyChange(only(c.before), only(c.after)), c.expect);
    });
  }
});

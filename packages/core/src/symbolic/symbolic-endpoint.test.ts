import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalSelector } from '../model/canonical.js';
import { clusterFromYaml } from '../test-helpers.js';
import { checkSymbolic } from './check-symbolic.js';
import { isSymbolicEndpoint, parseSymbolicEndpoint } from './symbolic-endpoint.js';

describe('parseSymbolicEndpoint', () => {
  const rows: { text: string; ns?: string; pods?: string; block?: string }[] = [
    { text: 'prod/{app=web}', ns: '{kubernetes.io/metadata.name=prod}', pods: '{app=web}' },
    {
      text: '{team=a}/{app=web,tier!=db}',
      ns: '{team=a}',
      pods: '{app=web;tier NotIn (db)}',
    },
    { text: '*/{}', ns: '{}', pods: '-' },
    { text: '*/*', ns: '{}', pods: '-' },
    {
      text: 'backend-ns{user!=alice}/{role in (client,admin),!debug,tier}',
      ns: '{kubernetes.io/metadata.name=backend-ns;user NotIn (alice)}',
      pods: '{debug DoesNotExist ();role In (admin,client);tier Exists ()}',
    },
    {
      text: '{app.kubernetes.io/name=x}/{app.kubernetes.io/part-of=y}',
      ns: '{app.kubernetes.io/name=x}',
      pods: '{app.kubernetes.io/part-of=y}',
    },
    { text: '0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16', block: '0.0.0.0/0 except 10.0.0.0/8,192.168.0.0/16' },
    { text: 'prod/{}@10.0.0.0/8', ns: '{kubernetes.io/metadata.name=prod}', pods: '-', block: '10.0.0.0/8 except ' },
  ];
  for (const row of rows) {
    it(row.text, () => {
      assert.equal(isSymbolicEndpoint(row.text), true);
      const parsed = parseSymbolicEndpoint(row.text);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
      const e = parsed.value;
      if (e.kind === 'outside') {
        assert.equal(`${e.block.cidr} except ${e.block.except.join(',')}`, row.block);
        return;
      }
      assert.equal(canonicalSelector(e.atom.namespaceSelector), row.ns);
      assert.equal(canonicalSelector(e.atom.podSelector), row.pods);
      if (row.block) assert.equal(`${e.address?.cidr} except ${e.address?.except.join(',')}`, row.block);
    });
  }
  for (const bad of ['prod', 'prod/{app=web', 'Prod_1/{}', 'prod/web', 'prod/{app=(x)}', 'prod/{}@10.0.0.0']) {
    it(`refuses ${bad}`, () => {
      const parsed = parseSymbolicEndpoint(bad);
      assert.equal(parsed.ok ? 'ok' : parsed.error.code, 'symbolic-endpoint-invalid');
    });
  }
  // A part no real object could hold would match no pod: refused, naming the part (the API
  // server's rule and words for the same field of a manifest), not answered for no pod.
  const longValue = 'x'.repeat(64);
  const parts: { text: string; part: string; value: string; message: RegExp }[] = [
    {
      text: 'prod/{app=[x]}',
      part: 'label value',
      value: '[x]',
      message: /^pod label value: Invalid value: "\[x\]": a valid label must be/,
    },
    {
      text: `prod/{app=${longValue}}`,
      part: 'label value',
      value: longValue,
      message: /must be no more than 63 characters$/,
    },
    { text: 'prod/{app!=a:b}', part: 'label value', value: 'a:b', message: /^pod label value: / },
    { text: 'prod/{app in (a,b c)}', part: 'label value', value: 'b c', message: /^pod label value: / },
    { text: 'prod/{app notin (ok,-x)}', part: 'label value', value: '-x', message: /^pod label value: / },
    { text: '{team=a.}/{}', part: 'label value', value: 'a.', message: /^namespace label value: Invalid value: "a\."/ },
    {
      text: 'prod/{Bad_/x=1}',
      part: 'label key',
      value: 'Bad_/x',
      message: /^pod label key: Invalid value: "Bad_\/x": prefix part /,
    },
    {
      text: 'prod/{-app}',
      part: 'label key',
      value: '-app',
      message: /^pod label key: Invalid value: "-app": name part /,
    },
    { text: 'prod/{!a/b/c}', part: 'label key', value: 'a/b/c', message: /^pod label key: / },
    { text: '{a_/b in (x)}/{}', part: 'label key', value: 'a_/b', message: /^namespace label key: / },
    {
      text: 'Prod_1/{app=web}',
      part: 'namespace name',
      value: 'Prod_1',
      message: /^namespace name: Invalid value: "Prod_1": a lowercase RFC 1123 label must/,
    },
    {
      text: `${'n'.repeat(64)}/{}`,
      part: 'namespace name',
      value: 'n'.repeat(64),
      message: /must be no more than 63 characters$/,
    },
    { text: 'a.b{app=web}/{}', part: 'namespace name', value: 'a.b', message: /must not contain dots$/ },
  ];
  for (const row of parts) {
    it(`refuses ${row.text.slice(0, 40)}: its ${row.part}`, () => {
      const parsed = parseSymbolicEndpoint(row.text);
      assert.ok(!parsed.ok, 'parsed');
      assert.deepEqual({ part: parsed.error.part, value: parsed.error.value }, { part: row.part, value: row.value });
      assert.match(parsed.error.message, row.message);
    });
  }
  // kubectl's labels.Parse: an empty member of a set is the empty value, `()` is that value
  // alone, and `in(` needs no space; the empty value is never dropped (`notin ()` would then
  // exclude nothing, and `in ()` select no pod).
  const sets: [string, { key: string; operator: string; values: string[] }][] = [
    ['prod/{app in ()}', { key: 'app', operator: 'In', values: [''] }],
    ['prod/{app notin ( )}', { key: 'app', operator: 'NotIn', values: [''] }],
    ['prod/{app in (a,)}', { key: 'app', operator: 'In', values: ['a', ''] }],
    ['prod/{app notin (,a,,a)}', { key: 'app', operator: 'NotIn', values: ['', 'a'] }],
    ['prod/{app in(a, b)}', { key: 'app', operator: 'In', values: ['a', 'b'] }],
  ];
  for (const [text, expression] of sets) {
    it(`reads ${text} as kubectl does`, () => {
      const parsed = parseSymbolicEndpoint(text);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
      assert.equal(parsed.value.kind, 'pods');
      const pods = parsed.value.kind === 'pods' ? parsed.value.atom.podSelector : undefined;
      assert.deepEqual(pods?.matchExpressions, [expression]);
    });
  }
  it('a valid empty value, dotted keys and values still parse', () => {
    for (const text of ['prod/{app=,x.io/y=a_b.c-d}', 'prod/{app in (a, b)}', `${'n'.repeat(63)}/{}`]) {
      const parsed = parseSymbolicEndpoint(text);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
    }
  });
  it('plain endpoints are not symbolic', () => {
    for (const t of ['shop/backend', 'backend[Deployment]', '10.0.0.1', 'backend.shop.svc'])
      assert.equal(isSymbolicEndpoint(t), false, t);
  });
});

describe('checkSymbolic', () => {
  // Seed 002 example 5: the AND of namespaceSelector and podSelector.
  const strict = clusterFromYaml(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: strict-api-ingress, namespace: backend-ns}
spec:
  podSelector: {matchLabels: {app: secure-api}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {user: alice}}
      podSelector: {matchLabels: {role: client}}
`);
  const endpoint = (text: string) => {
    const parsed = parseSymbolicEndpoint(text);
    assert.ok(parsed.ok);
    return parsed.value;
  };
  const port = { protocol: 'TCP' as const, port: 8443 };
  it('allowed for every pod the AND admits', () => {
    const result = checkSymbolic(
      strict,
      endpoint('{user=alice}/{role=client}'),
      endpoint('backend-ns/{app=secure-api}'),
      port,
    );
    assert.ok(result.ok);
    assert.equal(result.value.allowed, true);
  });
  it('denied for the pods it does not, named by class, with the isolating policy', () => {
    const result = checkSymbolic(strict, endpoint('*/{}'), endpoint('backend-ns/{app=secure-api}'), port);
    assert.ok(result.ok);
    assert.equal(result.value.allowed, false);
    const denied = result.value.pairs.filter((p) => !p.verdict.allowed);
    assert.deepEqual(
      denied.map((p) => [p.from, p.to, p.verdict.ingress.selectedBy.map((x) => x.id)]),
      [
        [
          '{user!=alice}/{} | {user=alice}/{role!=client}',
          'backend-ns/{app=secure-api}',
          ['backend-ns/strict-api-ingress'],
        ],
      ],
    );
  });
  it('an outside range: every class of addresses in it', () => {
    const result = checkSymbolic(strict, endpoint('0.0.0.0/0'), endpoint('backend-ns/{app=secure-api}'), port);
    assert.ok(result.ok);
    assert.equal(result.value.allowed, false);
  });
  it('a contradiction matches no pod at all', () => {
    const result = checkSymbolic(strict, endpoint('*/{app in (a),app notin (a)}'), endpoint('*/{}'), port);
    assert.deepEqual(result, { ok: false, endpoint: 'from' });
  });
  it('two values of one key are both required (kubectl ANDs them), not the last one alone', () => {
    const result = checkSymbolic(strict, endpoint('*/{app=a,app=b}'), endpoint('*/{}'), port);
    assert.deepEqual(result, { ok: false, endpoint: 'from' });
    const same = checkSymbolic(strict, endpoint('*/{app=a,app=a}'), endpoint('*/{}'), port);
    assert.ok(same.ok);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli as runCliWith } from '../test-helpers.js';

const FIXTURES = fileURLToPath(new URL('./check-fixtures/', import.meta.url));

function runCli(argv: string[], stdin = '') {
  return runCliWith(argv, { stdin, cwd: FIXTURES, env: { NO_COLOR: '1' } });
}

const FILES = ['-f', 'shop.yaml', '-f', 'policies.yaml'];

describe('netpol check', () => {
  test('policies only: a pod name gets the hint to name a class (check) or a policy (explain)', async () => {
    const ex5 = fileURLToPath(
      new URL('../../../../examples/002-ex5-and-selector/strict-api-ingress.yaml', import.meta.url),
    );
    const check = await runCli(['check', '-f', ex5, '--from', 'x/a', '--to', 'backend-ns/api', '--port', '80']);
    assert.equal(check.code, 2);
    assert.match(check.stderr, /^netpol: --from: no pod or workload "x\/a" in the input$/m);
    assert.match(
      check.stderr,
      /^hint: the input has no pods: name a class of pods that could exist instead, e\.g\. --from 'prod\/\{app=web\}'/m,
    );
    const explain = await runCli(['explain', '-f', ex5, '--pod', 'backend-ns/api']);
    assert.equal(explain.code, 2);
    assert.match(
      explain.stderr,
      /^hint: the input has no pods: name a class of pods that could exist instead, e\.g\. --pod 'prod\/\{app=web\}' \(NAMESPACE\/\{labels\}, \* for any\); --policy NS\/NAME says what a policy admits$/m,
    );
    // With pods, the hint stays the nearest names.
    const pods = await runCli(['check', ...FILES, '--from', 'x/a', '--to', 'x/b', '--port', '80']);
    assert.equal(pods.code, 2);
    assert.doesNotMatch(pods.stderr, /the input has no pods/);
  });

  test('symbolic endpoints (issue 13): every pod the selectors could be, exit 1 when some are denied', async () => {
    const ex5 = fileURLToPath(
      new URL('../../../../examples/002-ex5-and-selector/strict-api-ingress.yaml', import.meta.url),
    );
    const denied = await runCli([
      'check',
      '-f',
      ex5,
      '--from',
      '*/{}',
      '--to',
      'backend-ns/{app=secure-api}',
      '--port',
      '8443',
    ]);
    assert.equal(denied.code, 1, denied.stderr);
    assert.match(
      denied.stdout,
      /^DENIED: \*\/\{\} -> backend-ns\/\{app=secure-api\} on 8443\/TCP, for some pods that could exist/,
    );
    assert.match(
      denied.stdout,
      /\{user!=alice\}\/\{\} \| \{user=alice\}\/\{role!=client\} -> backend-ns\/\{app=secure-api\}: denied/,
    );
    assert.match(denied.stdout, /ingress isolated by backend-ns\/strict-api-ingress and no rule matches/);
    const allowed = await runCli([
      'check',
      '-f',
      ex5,
      '--from',
      '{user=alice}/{role=client}',
      '--to',
      'backend-ns/{app=secure-api}',
      '--port',
      '8443',
      '-o',
      'json',
    ]);
    assert.equal(allowed.code, 0, allowed.stderr);
    const json = JSON.parse(allowed.stdout);
    assert.equal(json.symbolic, true);
    assert.equal(json.allowed, true);
    assert.deepEqual(json.pairs[0].ingress.selectedBy, ['backend-ns/strict-api-ingress']);
    const contradiction = await runCli([
      'check',
      '-f',
      ex5,
      '--from',
      '*/{a in (x),a notin (x)}',
      '--to',
      '*/{}',
      '--port',
      '80',
    ]);
    assert.equal(contradiction.code, 2);
    assert.match(contradiction.stderr, /--from: .* can match no pod at all/);
  });

  test('allowed through a Service: exit 0, every backend cited with file:line', async () => {
    const r = await runCli([
      'check',
      ...FILES,
      '--from',
      'default/client',
      '--to',
      'backend.shop.svc.cluster.local',
      '--port',
      '80',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.allowed, true);
    assert.deepEqual(json.to.backends, ['shop/backend-0', 'shop/backend-1']);
    assert.deepEqual(json.servicePort, { name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' });
    assert.equal(json.pairs.length, 2);
    for (const pair of json.pairs) {
      assert.equal(pair.port, 8080);
      assert.equal(pair.egress.isolated, false);
      assert.deepEqual(pair.ingress.selectedBy, ['shop/default-deny', 'shop/only-client']);
      assert.deepEqual(
        pair.ingress.allowedBy.map((a: { policy: string; rule: string; file: string; line: number }) => [
          a.policy,
          a.rule,
          a.file,
          a.line,
        ]),
        [['shop/only-client', 'spec.ingress[0]', 'policies.yaml', 14]],
      );
    }
  });

  test('denied: exit 1, the isolating policies are named', async () => {
    const r = await runCli(['check', ...FILES, '--from', 'other/client', '--to', 'backend.shop', '--port', '80']);
    assert.equal(r.code, 1);
    // SPEC: ports as `--port` takes them; "isolated by ns/p1, ns/p2 and no rule matches".
    assert.match(r.stdout, /^DENIED: other\/client -> backend\.shop\.svc\.cluster\.local on 80\/TCP/);
    assert.match(
      r.stdout,
      /ingress shop\/backend-0: isolated by shop\/default-deny, shop\/only-client and no rule matches \(8080\/TCP from other\/client\)/,
    );
  });

  test('text names the allowing rule with file:line', async () => {
    const r = await runCli([
      'check',
      ...FILES,
      '--from',
      'client',
      '--to',
      'shop/backend[Deployment]',
      '--port',
      'http',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /allowed by shop\/only-client spec\.ingress\[0\] \(policies\.yaml:14\)/);
    assert.match(r.stdout, /first replica shop\/backend-0/);
    assert.match(r.stdout, /egress +default\/client: not isolated/);
  });

  test('outside address and UDP', async () => {
    const r = await runCli([
      'check',
      ...FILES,
      '--from',
      'shop/backend-0',
      '--to',
      '203.0.113.10',
      '--port',
      '53/udp',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 0);
    const json = JSON.parse(r.stdout);
    assert.equal(json.to.kind, 'external');
    assert.equal(json.protocol, 'UDP');
    assert.equal(json.pairs[0].ingress.applies, false);
  });

  test('a Service with no backends is denied with a reason', async () => {
    const r = await runCli([
      'check',
      ...FILES,
      '--from',
      'default/client',
      '--to',
      'empty.shop',
      '--port',
      '80',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).reason, 'service-no-backends');
  });

  test('an unresolved named port is denied with a note', async () => {
    const r = await runCli([
      'check',
      ...FILES,
      '--from',
      'default/client',
      '--to',
      'shop/backend-0',
      '--port',
      'metrics',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).pairs[0].note, 'named-port-unresolved');
  });

  test('a Service as source is judged as each of its backing pods', async () => {
    const r = await runCli([
      'check',
      ...FILES,
      '--from',
      'backend.shop',
      '--to',
      'other/lonely',
      '--port',
      '80',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(
      json.pairs.map((p: { from: string }) => p.from),
      ['shop/backend-0', 'shop/backend-1'],
    );
    assert.equal(json.servicePort, null);
  });

  test('a pod to itself is allowed with a note', async () => {
    const r = await runCli([
      'check',
      ...FILES,
      '--from',
      'shop/backend-0',
      '--to',
      '198.18.2.40',
      '--port',
      '1',
      '-o',
      'json',
    ]);
    const json = JSON.parse(r.stdout);
    assert.equal(json.to.id, json.from.id);
    assert.deepEqual([r.code, json.pairs[0].note, json.pairs[0].ingress.isolated], [0, 'self', true]);
  });

  const bad: [string, string[], RegExp][] = [
    [
      'unknown endpoint with did-you-mean',
      ['--from', 'default/clinet', '--to', 'backend.shop', '--port', '80'],
      /did you mean default\/client/,
    ],
    [
      'unknown Service port lists the ports',
      ['--from', 'default/client', '--to', 'backend.shop', '--port', '8080'],
      /its ports: 80\/TCP \(web\)/,
    ],
    ['bad port', ['--from', 'default/client', '--to', 'backend.shop', '--port', '70000'], /--port/],
    ['bad protocol', ['--from', 'default/client', '--to', 'backend.shop', '--port', '80/ICMP'], /protocol/],
    ['missing --port', ['--from', 'default/client', '--to', 'backend.shop'], /--port is required/],
    ['ambiguous name', ['--from', 'client', '--to', 'other/nobody', '--port', '80'], /other\/nobody/],
  ];
  for (const [name, args, message] of bad) {
    test(`bad input: ${name} → exit 2, no stack`, async () => {
      const r = await runCli(['check', ...FILES, ...args]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }

  test('invalid manifests → exit 2 with file:line', async () => {
    const r = await runCli(
      ['check', '-f', '-', '--from', 'a', '--to', 'b', '--port', '80'],
      'apiVersion: v1\nkind: Pod\nmetadata: {labels: {a: b}}\n',
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^-:\d+:\d+: /);
  });
});

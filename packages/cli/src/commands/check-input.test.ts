import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../test-helpers.js';

/** Issue 11, findings 6, 7 and 10: what `check` says about what the input does not say. */

const web = (extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}, {containerPort: 81}]}]${extra}}
`;
const db = `apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 5432}]}]}
`;
/** Egress to the Internet only: private ranges excluded (the seed 002 ex7 policy). */
const internetOnly = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: internet-only, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]}}]}]
`;
const only80 = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-80, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{ports: [{port: 80}]}]
`;
const check = (stdin: string, ...argv: string[]) =>
  runCli(['check', '-f', '-', ...argv], { stdin, env: { NO_COLOR: '1' } });

describe('check on what the input does not say', () => {
  test('--port repeated checks every port: exit 1 when one is denied (it used to check only the last)', async () => {
    const input = `${web()}---\n${only80}`;
    const r = await check(input, '--from', '203.0.113.9', '--to', 'shop/web', '--port', '80', '--port', '81');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^ALLOWED: 203\.0\.113\.9 -> shop\/web on 80\/TCP$/m);
    assert.match(r.stdout, /^DENIED: 203\.0\.113\.9 -> shop\/web on 81\/TCP$/m);
    const json = await check(
      input,
      '--from',
      '203.0.113.9',
      '--to',
      'shop/web',
      '--port',
      '81',
      '--port',
      '80',
      '-o',
      'json',
    );
    const data = JSON.parse(json.stdout);
    assert.equal(data.allowed, false);
    assert.deepEqual(
      data.checks.map((c: { port: number; allowed: boolean }) => [c.port, c.allowed]),
      [
        [81, false],
        [80, true],
      ],
    );
    // One port: the check object itself, as before.
    const one = JSON.parse(
      (await check(input, '--from', '203.0.113.9', '--to', 'shop/web', '--port', '80', '-o', 'json')).stdout,
    );
    assert.equal(one.allowed, true);
    assert.equal(one.port, 80);
  });

  test('a made-up address that an ipBlock judged is named in one line and in -o json', async () => {
    const input = `${web()}---\n${db}---\n${internetOnly}`;
    const r = await check(input, '--from', 'shop/web', '--to', 'shop/db', '--port', '5432');
    // 198.18.x is not private: allowed here; a cluster with 10.x pod addresses denies it.
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /note: shop\/db has no status\.podIP: netpol made up 198\.18\.\d+\.\d+, and an ipBlock of shop\/internet-only judged it, so on a cluster this verdict may differ \(--pod-cidr gives the real pod range\)/,
    );
    const json = JSON.parse(
      (await check(input, '--from', 'shop/web', '--to', 'shop/db', '--port', '5432', '-o', 'json')).stdout,
    );
    assert.deepEqual(
      json.caveats.map((c: { code: string; pod: string }) => [c.code, c.pod]),
      [['made-up-address', 'shop/db']],
    );
    // With the cluster's pod range given, the same check is denied, as on that cluster.
    const real = await check(
      input,
      '--from',
      'shop/web',
      '--to',
      'shop/db',
      '--port',
      '5432',
      '--pod-cidr',
      '10.244.0.0/16',
    );
    assert.equal(real.code, 1, real.stdout);
    // And inferred from the pods that have a real address.
    const dump = `${web()}---\n${db}status: {podIP: 10.244.1.9}\n---\n${internetOnly}`;
    const inferred = await check(
      `${dump}---\napiVersion: v1\nkind: Pod\nmetadata: {name: cache, namespace: shop}\nspec: {containers: [{name: c, image: i}]}\n`,
      '--from',
      'shop/web',
      '--to',
      'shop/cache',
      '--port',
      '6379',
    );
    assert.equal(inferred.code, 1, inferred.stdout);
    assert.match(inferred.stdout, /shop\/cache has no status\.podIP: netpol made up 10\.244\./);
  });

  test('overlapping or unusable --pod-cidr/--service-cidr ranges are a usage error: exit 2, one line, nothing read', async () => {
    const input = `${web()}---\n${db}`;
    const base = ['--from', 'shop/web', '--to', 'shop/db', '--port', '5432'];
    const cases: { flags: string[]; message: RegExp }[] = [
      {
        flags: ['--pod-cidr', '10.1.0.0/16', '--pod-cidr', '10.1.128.0/17'],
        message:
          /^netpol: --pod-cidr: address ranges 10\.1\.0\.0\/16 and 10\.1\.128\.0\/17 overlap: two pods could get the same address/,
      },
      {
        flags: ['--pod-cidr', '10.2.0.0/16', '--pod-cidr', '10.2.0.0/16'],
        message: /^netpol: --pod-cidr: address ranges 10\.2\.0\.0\/16 and 10\.2\.0\.0\/16 overlap/,
      },
      {
        flags: ['--pod-cidr', '10.0.0.0/8', '--pod-cidr', '192.168.0.0/16', '--pod-cidr', '10.250.0.0/16'],
        message: /^netpol: --pod-cidr: address ranges 10\.0\.0\.0\/8 and 10\.250\.0\.0\/16 overlap/,
      },
      {
        flags: ['--pod-cidr', 'abc'],
        message: /^netpol: --pod-cidr: address range abc must be an IPv4 CIDR of \/22 or larger\n$/,
      },
      {
        flags: ['--service-cidr', '10.0.0.0/24'],
        message: /^netpol: --service-cidr: address range 10\.0\.0\.0\/24 must be an IPv4 CIDR of \/22 or larger\n$/,
      },
    ];
    for (const { flags, message } of cases) {
      const r = await check(input, ...base, ...flags);
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, message);
    }
    // Ranges that only touch are fine.
    const touching = await check(input, ...base, '--pod-cidr', '10.1.0.0/16', '--pod-cidr', '10.2.0.0/16');
    assert.equal(touching.code, 0, touching.stderr);
    // matrix and diff refuse the same way.
    const matrix = await runCli(
      ['matrix', '-f', '-', '--port', '80', '--pod-cidr', '10.1.0.0/16', '--pod-cidr', '10.1.0.0/20'],
      { stdin: input, env: { NO_COLOR: '1' } },
    );
    assert.equal(matrix.code, 2, matrix.stderr);
    assert.match(matrix.stderr, /^netpol: --pod-cidr: address ranges 10\.1\.0\.0\/16 and 10\.1\.0\.0\/20 overlap/);
  });

  test('a verdict not decided by an ipBlock carries no caveat', async () => {
    const r = await check(`${web()}---\n${db}---\n${only80}`, '--from', 'shop/db', '--to', 'shop/web', '--port', '80');
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stdout, /note:/);
  });

  test('a hostNetwork pod: the verdict is CNI-defined', async () => {
    const r = await check(
      `${web(', hostNetwork: true')}---\n${only80}`,
      '--from',
      '203.0.113.9',
      '--to',
      'shop/web',
      '--port',
      '80',
    );
    assert.match(r.stdout, /note: shop\/web uses hostNetwork: .*this verdict is CNI-defined/);
    const json = JSON.parse(
      (
        await check(
          `${web(', hostNetwork: true')}---\n${only80}`,
          '--from',
          '203.0.113.9',
          '--to',
          'shop/web',
          '--port',
          '80',
          '-o',
          'json',
        )
      ).stdout,
    );
    assert.deepEqual(
      json.caveats.map((c: { code: string }) => c.code),
      ['host-network'],
    );
  });

  describe('a source that is a Node address, denied by the pod ingress: the pod own node may always reach it', () => {
    const node = `apiVersion: v1
kind: Node
metadata: {name: worker-1}
status: {addresses: [{type: InternalIP, address: 10.0.0.5}, {type: Hostname, address: worker-1}]}
`;
    const input = `${web()}---\n${only80}---\n${node}`;
    const rows: [string, string, string, number, string[]][] = [
      ['the node address, a port the pod ingress denies', '10.0.0.5', '81', 1, ['node-source shop/web']],
      ['the node address, a port the pod ingress admits: nothing to say', '10.0.0.5', '80', 0, []],
      ['another address (near miss)', '10.0.0.6', '81', 1, []],
    ];
    for (const [name, from, port, code, caveats] of rows) {
      test(name, async () => {
        const r = await check(input, '--from', from, '--to', 'shop/web', '--port', port);
        assert.equal(r.code, code, r.stderr);
        if (caveats.length > 0) {
          assert.match(
            r.stdout,
            /note: 10\.0\.0\.5 is an address of Node worker-1: if shop\/web runs on that node, the node may reach it whatever the policies/,
          );
        } else assert.doesNotMatch(r.stdout, /note:/);
        const json = JSON.parse(
          (await check(input, '--from', from, '--to', 'shop/web', '--port', port, '-o', 'json')).stdout,
        );
        assert.deepEqual(
          json.caveats.map((c: { code: string; pod: string }) => `${c.code} ${c.pod}`),
          caveats,
        );
      });
    }
  });

  test('--from naming a finished pod says it finished (it used to say "no pod in the input")', async () => {
    const finished = `${db}status: {phase: Succeeded}\n`;
    const r = await check(`${web()}---\n${finished}`, '--from', 'shop/db', '--to', 'shop/web', '--port', '80');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /note: left out 1 pod that takes no traffic: 1 finished .*: shop\/db/);
    assert.match(r.stderr, /--from: Pod shop\/db is in the input but is no endpoint: it finished/);
  });

  test('explain shows a made-up address as made up (it used to read as real), and says why a finished pod is none', async () => {
    const r = await runCli(['explain', '-f', '-', '--pod', 'shop/db'], { stdin: db, env: { NO_COLOR: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /198\.18\.\d+\.\d+ \(made up: the input gives no status\.podIP; --pod-cidr sets the range\)/,
    );
    const json = JSON.parse(
      (await runCli(['explain', '-f', '-', '--pod', 'shop/db', '-o', 'json'], { stdin: db })).stdout,
    );
    assert.equal(json.pod.addressMadeUp, true);
    const real = await runCli(['explain', '-f', '-', '--pod', 'shop/db'], {
      stdin: `${db}status: {podIP: 10.1.2.3}\n`,
    });
    assert.doesNotMatch(real.stdout, /made up/);
    const finished = await runCli(['explain', '-f', '-', '--pod', 'shop/db'], {
      stdin: `${db}status: {phase: Failed}\n`,
    });
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /--pod: Pod shop\/db is in the input but is no endpoint: it finished/);
  });
});

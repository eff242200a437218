import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { first } from '@netpol/core';
import { generateCluster, genOptionsForPods, renderGenerated } from '@netpol/core/gen';
import { run } from '../run.js';
import { fakeIo } from '../test-helpers.js';
import { largeOutputNote } from './matrix.js';

const dir = mkdtempSync(join(tmpdir(), 'netpol-matrix-'));
const FILE = join(dir, 'cluster.yaml');
writeFileSync(
  FILE,
  `apiVersion: v1
kind: Pod
metadata: { name: client, namespace: shop, labels: { role: client } }
spec: { containers: [{ name: c, image: i }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: 2
  selector: { matchLabels: { role: web } }
  template:
    metadata: { labels: { role: web } }
    spec: { containers: [{ name: c, image: i, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec:
  podSelector: { matchLabels: { role: web } }
  ingress: [{ from: [{ podSelector: { matchLabels: { role: client } } }], ports: [{ port: http }] }]
`,
);

describe('netpol matrix', () => {
  test('policies alone: rows are classes of every possible pod (issue 13), named ports by name', async () => {
    const policies = join(dir, 'policies.yaml');
    writeFileSync(policies, (await import('node:fs')).readFileSync(FILE, 'utf8').split('---').slice(2).join('---'));
    const f = fakeIo({ env: { NO_COLOR: '1' } });
    assert.equal(await run(['matrix', '-f', policies, '-o', 'json'], f.io), 0, f.stderr());
    assert.match(f.stderr(), /no pods in the input: rows are classes of every pod that could exist/);
    const json = JSON.parse(f.stdout());
    const pods = json.endpoints.filter((e: string) => e.includes('/{'));
    assert.deepEqual(pods, [
      'shop/{role notin (client,web)} | {kubernetes.io/metadata.name!=shop}/{}',
      'shop/{role=client}',
      'shop/{role=web}',
    ]);
    assert.deepEqual(
      json.results.map((r: { port: unknown; protocol: string }) => `${r.port}/${r.protocol}`),
      ['80/TCP', 'http/TCP'],
    );
    const http = json.results[1].allowed;
    const at = (from: string, to: string) => http[json.endpoints.indexOf(from)][json.endpoints.indexOf(to)];
    assert.equal(at('shop/{role=client}', 'shop/{role=web}'), true);
    assert.equal(
      at('shop/{role=web}', 'shop/{role=web}'),
      false,
      'one web pod to another: the policy admits only clients',
    );
    assert.equal(at(first(pods), 'shop/{role=web}'), false);
    assert.equal(at('shop/{role=web}', first(pods)), true);
  });

  test('-o json: the SPEC shape, named port kept as a string', async () => {
    const f = fakeIo();
    const code = await run(
      [
        'matrix',
        '-f',
        FILE,
        '--port',
        '8080',
        '--port',
        'http',
        '--port',
        '80',
        '--external',
        '203.0.113.7',
        '-o',
        'json',
      ],
      f.io,
    );
    assert.equal(code, 0, f.stderr());
    assert.deepEqual(JSON.parse(f.stdout()), {
      endpoints: ['shop/client', 'shop/web[Deployment]', '203.0.113.7'],
      results: [
        // web admits only the client, on its http port (8080); nothing isolates egress.
        // web to itself is one replica to the other (SPEC): not the client, so denied.
        {
          port: 8080,
          protocol: 'TCP',
          allowed: [
            [true, true, true],
            [true, false, true],
            [true, false, null],
          ],
        },
        // a name resolves on the destination: client and the outside address have no `http`
        {
          port: 'http',
          protocol: 'TCP',
          allowed: [
            [true, true, false],
            [false, false, false],
            [false, false, null],
          ],
        },
        {
          port: 80,
          protocol: 'TCP',
          allowed: [
            [true, false, true],
            [true, false, true],
            [true, false, null],
          ],
        },
      ],
    });
  });

  test('--per-pod lists replicas; -n filters; default port is the container port', async () => {
    const f = fakeIo();
    assert.equal(await run(['matrix', '-f', FILE, '--per-pod', '-n', 'shop', '-o', 'json'], f.io), 0);
    const json = JSON.parse(f.stdout());
    assert.deepEqual(json.endpoints, ['shop/client', 'shop/web-0', 'shop/web-1']);
    assert.deepEqual(
      json.results.map((r: { port: number }) => r.port),
      [8080],
    );
    assert.deepEqual(json.results[0].allowed[1], [true, true, false]);
    const g = fakeIo();
    // No pods for the namespace asked: the classes of every pod that could be there (issue 13).
    assert.equal(await run(['matrix', '-f', FILE, '-n', 'nowhere', '-o', 'json'], g.io), 0);
    assert.deepEqual(JSON.parse(g.stdout()).endpoints, ['nowhere/{}', '203.0.113.10']);
    assert.match(g.stderr(), /no pods in the input for namespace nowhere: rows are classes/);
  });

  test('one -n is also the namespace of objects that name none, as kubectl -n', async () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata: { name: a }
spec: { containers: [{ name: c, image: i }] }
---
apiVersion: v1
kind: Pod
metadata: { name: b, namespace: other }
spec: { containers: [{ name: c, image: i }] }
`;
    const one = fakeIo({ stdin: yaml });
    assert.equal(await run(['matrix', '-f', '-', '-n', 'shop', '-o', 'json'], one.io), 0);
    assert.deepEqual(JSON.parse(one.stdout()).endpoints, ['shop/a']);
    const two = fakeIo({ stdin: yaml });
    assert.equal(await run(['matrix', '-f', '-', '-n', 'default', '-n', 'other', '-o', 'json'], two.io), 0);
    assert.deepEqual(JSON.parse(two.stdout()).endpoints, ['default/a', 'other/b']);
  });

  test('--external at a pod address: a note says it is judged as an outside host', async () => {
    const yaml =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\nspec: {containers: [{name: c, image: i}]}\nstatus: {podIP: 10.0.0.5}\n';
    const f = fakeIo({ stdin: yaml });
    assert.equal(await run(['matrix', '-f', '-', '--external', '10.0.0.5', '-o', 'json'], f.io), 0);
    assert.deepEqual(JSON.parse(f.stdout()).endpoints, ['x/a', '10.0.0.5']);
    assert.match(f.stderr(), /note: --external 10\.0\.0\.5 is the address of pod x\/a/);
    const g = fakeIo({ stdin: yaml });
    assert.equal(await run(['matrix', '-f', '-', '--external', '203.0.113.1', '-o', 'json'], g.io), 0);
    assert.equal(g.stderr(), '');
  });

  test('table: colour only on a TTY without NO_COLOR', async () => {
    const esc = '\u001b[';
    const tty = fakeIo({ tty: true });
    assert.equal(await run(['matrix', '-f', FILE, '--port', '8080'], tty.io), 0);
    assert.ok(tty.stdout().includes(esc));
    const pipe = fakeIo();
    assert.equal(await run(['matrix', '-f', FILE, '--port', '8080'], pipe.io), 0);
    assert.ok(!pipe.stdout().includes(esc));
    assert.match(pipe.stdout(), /shop\/web\[Deployment\]/);
    const noColor = fakeIo({ tty: true, env: { NO_COLOR: '1' } });
    assert.equal(await run(['matrix', '-f', FILE, '--port', '8080'], noColor.io), 0);
    assert.ok(!noColor.stdout().includes(esc));
  });

  test('every -o format succeeds', async () => {
    for (const format of ['table', 'json', 'csv', 'md', 'dot', 'mermaid', 'html']) {
      const f = fakeIo();
      assert.equal(await run(['matrix', '-f', FILE, '-o', format], f.io), 0, format);
      assert.ok(f.stdout().length > 0, format);
    }
  });

  test('bad input exits 2 with a message and no stack', async () => {
    for (const argv of [
      ['matrix', '-f', FILE, '--port', '70000'],
      ['matrix', '-f', FILE, '--port', '80/ICMP'],
      ['matrix', '-f', FILE, '--external', 'example.com'],
      ['matrix', '-f', FILE, '-o', 'xml'],
      ['matrix', '-f', join(dir, 'missing.yaml')],
      ['matrix'],
    ]) {
      const f = fakeIo();
      assert.equal(await run(argv, f.io), 2, argv.join(' '));
      assert.ok(f.stderr().length > 0, argv.join(' '));
      assert.doesNotMatch(f.stderr(), /\n\s+at /, argv.join(' '));
    }
    const invalid = join(dir, 'invalid.yaml');
    // A label decides connectivity: an invalid one stays fatal (a missing name would be a warning).
    writeFileSync(invalid, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {'bad key!': x}}\n");
    const f = fakeIo();
    assert.equal(await run(['matrix', '-f', invalid], f.io), 2);
    assert.match(f.stderr(), /invalid\.yaml:\d+:\d+/);
  });
});

describe('netpol matrix at scale: grouped, refused when too large to draw, streamed', () => {
  // 21 namespaces × 10 workloads × 5 replicas = 1,050 pods (+15 infrastructure pods):
  // per pod, 1,065² ≈ 1.1M cells, just past what a drawn format renders.
  const big = join(dir, 'big.json');
  writeFileSync(big, renderGenerated(generateCluster(genOptionsForPods(1050, { seed: 3 })), 'json'));

  test('--group-by namespace -o json: groups, sizes, verdicts with counts', async () => {
    const f = fakeIo();
    const code = await run(['matrix', '-f', FILE, '--group-by', 'namespace', '--port', '8080', '-o', 'json'], f.io);
    assert.equal(code, 0, f.stderr());
    // shop: client and web[Deployment]; client→web on 8080 allowed, web→client not isolated,
    // web→web (one replica to the other) denied: 3 of the 4 pairs.
    assert.deepEqual(JSON.parse(f.stdout()), {
      groupBy: 'namespace',
      groups: ['shop'],
      sizes: [2],
      results: [{ port: 8080, protocol: 'TCP', allowed: [['some']], allowedPairs: [[3]] }],
    });
  });

  test('--group-by namespace on a drawn format; html/dot/mermaid are refused with the formats it has', async () => {
    const table = fakeIo();
    assert.equal(await run(['matrix', '-f', big, '--group-by', 'namespace', '--port', '8080'], table.io), 0);
    assert.match(table.stdout(), /^port 8080\/TCP/);
    assert.match(table.stdout(), /kube-system \(1\)/);
    assert.match(table.stdout(), /some \d+\/\d+/);
    const html = fakeIo();
    assert.equal(await run(['matrix', '-f', FILE, '--group-by', 'namespace', '-o', 'html'], html.io), 2);
    assert.match(html.stderr(), /--group-by namespace prints -o table\|md\|csv\|json/);
  });

  // Regression (issue 16 item 13): --per-pod on a large cluster used to build the whole drawn
  // grid (and at 30,000 pods die out of memory); now the size is estimated first.
  for (const format of ['table', 'md', 'html', 'dot', 'mermaid']) {
    test(`--per-pod -o ${format} past ${(1_000_000).toLocaleString('en-US')} cells: exit 2 with the --group-by hint`, async () => {
      const f = fakeIo();
      const code = await run(['matrix', '-f', big, '--per-pod', '--port', '8080', '-o', format], f.io);
      assert.equal(code, 2);
      assert.equal(f.stdout(), '');
      assert.match(f.stderr(), /too large for -o \w+: 1,065 endpoints² × 1 port = 1,134,225 cells/);
      assert.match(f.stderr(), /--group-by namespace/);
      assert.doesNotMatch(f.stderr(), /\n\s+at /);
    });
  }

  test('--per-pod -o csv streams every row instead', async () => {
    const f = fakeIo();
    assert.equal(await run(['matrix', '-f', big, '--per-pod', '--port', '8080', '-o', 'csv'], f.io), 0, f.stderr());
    assert.equal(f.stdout().trimEnd().split('\n').length, 1 + 1065);
  });
});

describe('the note past 100 million cells', () => {
  // At 150,000 pods `--group-by namespace` on the default ports is 3,003 groups² × 13 ports:
  // the note used to suggest --group-by namespace there too.
  const cases = [
    { cells: 100_000_000, groupBy: undefined, note: undefined },
    { cells: 117_234_117, groupBy: 'namespace', note: /-n NAMESPACE or fewer --port make it smaller$/ },
    { cells: 900_180_009, groupBy: 'workload', note: /--group-by namespace gives a namespace summary$/ },
    { cells: 900_180_009, groupBy: undefined, note: /--group-by namespace gives a namespace summary$/ },
  ] as const;
  for (const { cells, groupBy, note } of cases) {
    test(`${cells.toLocaleString('en-US')} cells, --group-by ${groupBy ?? '(default)'}`, () => {
      const text = largeOutputNote(cells, 'SIZE', groupBy);
      if (note === undefined) assert.equal(text, undefined);
      else {
        assert.match(text ?? '', /^writing SIZE row by row; /);
        assert.match(text ?? '', note);
        if (groupBy === 'namespace') assert.doesNotMatch(text ?? '', /--group-by/);
      }
    });
  }
});

#!/usr/bin/env node
// `npm run demo`: the seed tutorials, replayed on the netpol lab with real packets.
// Uses the built CLI (node packages/cli/bin/netpol.js). Without root/Linux/ip/nft it says so
// and shows what the engine says instead (exit 0, so `npm ci && npm run demo` always works).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/cli/bin/netpol.js');
const examples = join(root, 'examples');
// `npm run demo -- --lab ID` or NETPOL_LAB=ID: another lab id, so the demo never touches a
// lab of yours (it stops when its lab is already up instead of taking it down).
const labArg = process.argv.indexOf('--lab');
const LAB = (labArg >= 0 ? process.argv[labArg + 1] : undefined) ?? process.env.NETPOL_LAB ?? 'demo';
if (!/^[a-z0-9]{1,12}$/.test(LAB)) {
  process.stderr.write(`demo: lab id '${LAB}' must be 1-12 lowercase letters or digits\n`);
  process.exit(2);
}
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const red = paint('31');
const cyan = paint('36');
const yellow = paint('33');

let interrupted = false;
let failures = 0;
let current;

const say = (text = '') => process.stdout.write(`${text}\n`);
const heading = (text) => say(`\n${bold(cyan(`## ${text}`))}\n`);
const rel = (p) => p.replace(`${root}/`, '');

/** Run `netpol ARGS...`, showing it as a tutorial would; resolves to the exit code. */
class Interrupted extends Error {}

function netpol(args, { quiet = false } = {}) {
  if (interrupted) return Promise.reject(new Interrupted());
  if (!quiet)
    say(`${dim('$')} ${bold(`netpol ${args.map((a) => (/[\s[\]]/.test(a) ? `'${a}'` : rel(a))).join(' ')}`)}`);
  return new Promise((resolve, reject) => {
    current = spawn(process.execPath, [cli, ...args], { stdio: quiet ? 'ignore' : 'inherit', cwd: root });
    current.on('exit', (code, signal) => {
      current = undefined;
      if (interrupted) reject(new Interrupted());
      else resolve(code ?? (signal ? 130 : 1));
    });
  });
}

/** A step whose outcome the tutorial predicts: exit 0 = it went through; 28/6 = curl timed out. */
async function expect(args, allowed, why) {
  const code = await netpol(args);
  if (interrupted) return;
  const went = code === 0;
  const verdict = went
    ? green('went through')
    : red(`blocked (exit ${code}${code === 28 ? ': timed out, the packets were dropped' : ''})`);
  say(`${went === allowed ? '  →' : yellow('  → UNEXPECTED:')} ${verdict} — ${why}`);
  if (went !== allowed) failures++;
  say();
}

function stop() {
  if (interrupted) {
    // Second Ctrl-C: leave now; `netpol lab down --lab ${LAB}` cleans up later.
    process.exit(130);
  }
  interrupted = true;
  say(yellow('\ninterrupted: removing the demo lab...'));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

function labProblem() {
  if (process.platform !== 'linux') return `the lab needs Linux network namespaces (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the lab needs root (try: sudo npm run demo)';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return 'the lab needs `ip` (iproute2)';
  if (spawnSync('nft', ['--version'], { stdio: 'ignore' }).status !== 0) return 'the lab needs `nft` (nftables)';
  return undefined;
}

const ex = (name, ...files) => files.flatMap((f) => ['-f', join(examples, name, f)]);
const L = ['--lab', LAB];

async function labDemo() {
  const status = spawnSync(process.execPath, [cli, 'lab', 'status', ...L], { encoding: 'utf8', cwd: root });
  if (!/is not up/.test(status.stderr)) {
    say(
      yellow(
        `lab '${LAB}' is already up (or left behind); the demo does not take it down for you:\n  netpol lab down --lab ${LAB}, or run the demo on another: npm run demo -- --lab demo2`,
      ),
    );
    return;
  }

  heading('1. Open by default, then default-deny ingress (seed 000, part 1)');
  say('A backend Deployment and Service; no policy yet. Pods are network namespaces, the');
  say('node enforces policies with nftables, and `lab run` is `kubectl run --rm`.\n');
  await netpol(['lab', 'up', ...L, ...ex('000-part1-pod-label-ingress', 'backend.yaml')]);
  say();
  await expect(
    ['lab', 'run', 'test-client', ...L, '--', 'curl', '-m', '3', '-s', 'backend'],
    true,
    'no policy selects the backend: open by default',
  );
  await netpol(['lab', 'apply', ...L, ...ex('000-part1-pod-label-ingress', 'default-deny-ingress.yaml')]);
  await expect(
    ['lab', 'run', 'test-client', ...L, '--', 'curl', '-m', '3', '-s', 'backend'],
    false,
    'default-deny-ingress selects every pod in default and allows nothing in',
  );
  await netpol(['lab', 'apply', ...L, ...ex('000-part1-pod-label-ingress', 'allow-client-to-backend.yaml')]);
  await expect(
    ['lab', 'run', 'blocked-client', ...L, '--', 'curl', '-m', '3', '-s', 'backend'],
    false,
    'blocked-client lacks the access=allowed label',
  );
  await expect(
    ['lab', 'run', 'allowed-client', '--labels', 'access=allowed', ...L, '--', 'curl', '-m', '3', '-s', 'backend'],
    true,
    'allow-client-to-backend admits pods labelled access=allowed on TCP 80',
  );
  await netpol(['lab', 'down', ...L]);

  heading('2. Default-deny egress breaks DNS; allow-dns fixes it (seed 000, part 3)');
  const dns = '000-part3-egress-dns';
  await netpol([
    'lab',
    'up',
    ...L,
    ...ex(
      dns,
      'namespaces.yaml',
      'dns.yaml',
      'backend-ns.yaml',
      'backend-ingress-policies.yaml',
      'frontend-client.yaml',
    ),
  ]);
  say();
  const curlBackend = [
    'lab',
    'exec',
    ...L,
    'frontend/frontend-client',
    '--',
    'curl',
    '-m',
    '3',
    '-sS',
    'backend.backend',
  ];
  await expect(curlBackend, true, 'nothing isolates frontend for egress yet');
  await netpol(['lab', 'apply', ...L, ...ex(dns, 'frontend-default-deny-egress.yaml')]);
  await expect(
    curlBackend,
    false,
    'look at the error: "Resolving timed out" — egress to the cluster DNS is blocked too',
  );
  await netpol(['lab', 'apply', ...L, ...ex(dns, 'frontend-allow-dns-egress.yaml')]);
  await expect(
    ['lab', 'exec', ...L, 'frontend/frontend-client', '--', 'getent', 'hosts', 'backend.backend'],
    true,
    'names resolve again: UDP/TCP 53 to k8s-app=kube-dns pods in kube-system is allowed',
  );
  await expect(curlBackend, false, 'DNS works, but the connection to the backend still needs its own egress rule');
  await netpol(['lab', 'apply', ...L, ...ex(dns, 'frontend-allow-backend-egress.yaml')]);
  await expect(curlBackend, true, 'egress to app=backend pods in namespaces labelled access=backend on TCP 80');
  await expect(
    ['lab', 'exec', ...L, 'frontend/frontend-client', '--', 'curl', '-m', '3', '-sS', 'https://example.com'],
    false,
    'the internet (example.com, an outside host of the lab) stays blocked',
  );
  say('Every pair at once, real connections beside the engine’s verdicts (exit 1 on any disagreement):\n');
  const probe = await netpol(['lab', 'probe', ...L, '--port', '80', '--port', '53/UDP', '--timeout', '500']);
  if (probe !== 0 && !interrupted) failures++;
  await netpol(['lab', 'down', ...L]);

  heading('3. A CNI that ignores NetworkPolicy (kindnet): policies are silently inert');
  say('The same policies as part 1, on a lab started with --no-enforce.\n');
  await netpol(['lab', 'up', '--no-enforce', ...L, '-f', join(examples, '000-part1-pod-label-ingress')]);
  say();
  await expect(
    ['lab', 'exec', ...L, 'default/test-client', '--', 'curl', '-m', '3', '-s', 'backend'],
    true,
    'default-deny-ingress exists, yet nothing enforces it',
  );
  say('lab probe expects "everything allowed" here and shows the policies change nothing:\n');
  const inert = await netpol(['lab', 'probe', ...L, '--port', '80', '--timeout', '500']);
  if (inert !== 0 && !interrupted) failures++;
  await netpol(['lab', 'down', ...L]);
}

async function engineDemo(problem) {
  say(yellow(`The lab cannot run here: ${problem}.`));
  say('Showing what the engine says about the same tutorials instead (no packets).\n');
  const dir = join(examples, '000-part1-pod-label-ingress');
  if (!existsSync(dir)) {
    say('examples/ is missing; nothing to show.');
    return;
  }
  await netpol(['validate', '-f', dir]);
  const hasCheck = spawnSync(process.execPath, [cli, 'check', '--help'], { stdio: 'ignore' }).status === 0;
  if (!hasCheck) {
    say(dim('\n(`netpol check` is not in this build yet.)'));
    return;
  }
  const part1 = ['backend.yaml', 'clients.yaml'];
  const part3 = [
    'namespaces.yaml',
    'dns.yaml',
    'backend-ns.yaml',
    'backend-ingress-policies.yaml',
    'frontend-client.yaml',
  ];
  const kubeDns = 'kube-dns.kube-system.svc.cluster.local';
  const backend = 'backend.default.svc.cluster.local';
  const p1 = '000-part1-pod-label-ingress';
  const p3 = '000-part3-egress-dns';
  const stages = [
    [p1, part1, 'default/test-client', backend, '80', 'open by default'],
    [p1, [...part1, 'default-deny-ingress.yaml'], 'default/test-client', backend, '80', 'default-deny-ingress'],
    [
      p1,
      [...part1, 'default-deny-ingress.yaml', 'allow-client-to-backend.yaml'],
      'default/allowed-client',
      backend,
      '80',
      'allow access=allowed',
    ],
    [
      p3,
      [...part3, 'frontend-default-deny-egress.yaml'],
      'frontend/frontend-client',
      kubeDns,
      '53/UDP',
      'default-deny egress breaks DNS',
    ],
    [
      p3,
      [...part3, 'frontend-default-deny-egress.yaml', 'frontend-allow-dns-egress.yaml'],
      'frontend/frontend-client',
      kubeDns,
      '53/UDP',
      'allow-dns fixes it',
    ],
  ];
  for (const [example, files, from, to, port, title] of stages) {
    if (!existsSync(join(examples, example))) continue;
    say(`\n${bold(title)}`);
    await netpol([
      'check',
      ...files.flatMap((f) => ['-f', join(examples, example, f)]),
      '--from',
      from,
      '--to',
      to,
      '--port',
      port,
    ]);
  }
}

/** The admin tiers (examples/005-admin-guardrails): the engine's reasons, then real packets on the lab. */
async function adminDemo(withLab) {
  const dir = '005-admin-guardrails';
  if (!existsSync(join(examples, dir))) return;
  heading(`Admin guardrails: ClusterNetworkPolicy tiers (engine${withLab ? ', then the lab' : ''})`);
  say('An admin Deny to kube-system except DNS, Pass between team namespaces, a baseline');
  say("default-deny that the teams' NetworkPolicies override (docs/admin-tiers.md).\n");
  const all = ['-f', join(examples, dir)];
  await expect(
    ['check', ...all, '--from', 'team-b/client', '--to', 'kube-system/metrics-server', '--port', '443'],
    false,
    'the admin Deny holds whatever NetworkPolicies say',
  );
  await expect(
    ['check', ...all, '--from', 'team-b/client', '--to', 'kube-dns.kube-system.svc.cluster.local', '--port', '53/UDP'],
    true,
    "the admin Accept for DNS decides before the client's own egress isolation",
  );
  await expect(
    ['check', ...all, '--from', 'team-b/client', '--to', 'team-a/api', '--port', '8080'],
    true,
    "passed by team-delegation, then allowed by both teams' NetworkPolicies",
  );
  await expect(
    ['check', ...all, '--from', 'team-a/api', '--to', 'team-b/client', '--port', '8080'],
    false,
    'no NetworkPolicy isolates the api for egress: the baseline default-deny decides',
  );
  if (!withLab || interrupted) return;
  say('\nThe same tiers on the lab: nftables chains run admin, NetworkPolicy, baseline in order;');
  say('lab probe connects every pair for real and compares with the engine (exit 0: they agree).\n');
  await netpol(['lab', 'up', ...L, ...all]);
  const probe = await netpol([
    'lab',
    'probe',
    ...L,
    '--port',
    '443',
    '--port',
    '8080',
    '--port',
    '53/UDP',
    '--timeout',
    '500',
  ]);
  if (probe !== 0 && !interrupted) failures++;
  await netpol(['lab', 'down', ...L]);
}

say(bold('netpol demo: the seed tutorials on real packets'));
if (!existsSync(join(root, 'packages/cli/dist/index.js'))) {
  say(red('The CLI is not built: run `npm run build` first.'));
  process.exit(0);
}
const problem = labProblem();
let stopped = false;
try {
  if (problem) await engineDemo(problem);
  else await labDemo();
  if (!interrupted) await adminDemo(!problem);
} catch (error) {
  if (!(error instanceof Interrupted)) throw error;
  stopped = true;
} finally {
  if (!problem) {
    // Also after Ctrl-C or a failure: nothing of the demo lab stays behind.
    interrupted = false;
    await netpol(['lab', 'down', ...L], { quiet: true });
  }
}
if (stopped) {
  say(yellow('demo stopped; the demo lab is removed.'));
  process.exit(130);
}
// The next step of a newcomer: the same tutorials in the browser, no cluster needed.
say(
  `\n${bold('See it in the browser:')} npx netpol serve -f examples/003-default-deny-dns ${dim('(open the URL it prints: Graph, Matrix, the check panel, a what-if editor; Learn has the tutorials as exercises)')}`,
);
if (problem) process.exit(0);
if (failures > 0) {
  say(red(`\n${failures} step${failures === 1 ? '' : 's'} did not go as the tutorials say.`));
  process.exit(1);
}
say(green('\nDone: every step went as the tutorials say, and the demo lab is gone.'));

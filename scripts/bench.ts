/**
 * `npm run bench`: engine benchmarks on generated clusters (SPEC "How we measure ourselves").
 *
 * Each size runs in its own child process (same script, `--child PODS`) so peak RSS is
 * per size. In the child, a cluster is generated in-process (`generateCluster`, seeded),
 * rendered to JSON text, then timed through `loadCluster` (load) apart from the matrix:
 *   - fast matrix: `computeMatrix` over workload endpoints, rows expanded to bitsets;
 *   - grouped matrix: the class-by-class matrix only (no expansion);
 *   - per-pod matrix: every replica an endpoint, n x n bit rows (Uint32Array);
 *   - check: the reference engine (`createReferenceEngine`), one pair at a time;
 *   - naive: `naiveAllowed` pair by pair on a random sample within a time budget,
 *     extrapolated to the full matrix, every sampled pair compared with the fast result;
 *     at the smallest size the naive matrix also runs in full.
 * Then the scale rows (scripts/bench-scale.ts): generated clusters up to 150,000 pods and a
 * 150,000-pod `kubectl get -o json`-style dump, load against the JSON.parse floor, grouped
 * matrix, check, explain, lint, diff, peak RSS, growth exponents.
 * Then the web UI through chromium (scripts/bench-web.ts, skipped without /usr/bin/chromium).
 * The report goes to bench-report.json and stdout; readable tables to stderr; the scale rows
 * also as Markdown in bench-scale.md, and, when every default scale row ran, into the marked
 * block of README.md and docs/scale.md (`--no-docs`: not; `--only scale`: a few minutes on a
 * quiet 2-core machine, much longer on a busy one).
 *
 * Options: --sizes 1000,5000,10000,20000  --naive-budget-ms 3000  --port 8080/TCP
 *          --scale-sizes 10000,65000,150000  --dump-pods 150000 (0: none)  --no-docs
 *          --only engine|scale|symbolic|web (`web`: the browser rows alone, a few minutes)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  at,
  createReferenceEngine,
  first,
  loadCluster,
  naiveAllowed,
  type PortQuery,
  parsePortQuery,
} from '@netpol/core';
import { generateCluster, genOptionsForPods, renderGenerated } from '@netpol/core/gen';
import { cellPeers, computeMatrix, listMatrixEndpoints, type MatrixEndpoint } from '@netpol/core/matrix';
import {
  type LoadAlone,
  printScaleTable,
  runDump,
  runLoadAlone,
  runScaleSize,
  type ScaleRow,
  scaleGrowth,
  scaleMarkdown,
  writeScaleDocs,
} from './bench-scale.js';
import { runSymbolic, type SymbolicRow } from './bench-symbolic.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 1;
const DEFAULT_SCALE_SIZES = [10000, 65000, 150000];
const DEFAULT_DUMP_PODS = 150000;

interface Args {
  sizes: number[];
  naiveBudgetMs: number;
  port: PortQuery;
  child?: number;
  scaleSizes: number[];
  dumpPods: number;
  only?: 'engine' | 'scale' | 'symbolic' | 'web';
  symbolicChild?: boolean;
  scaleChild?: number;
  dumpChild?: number;
  /** A scale row's load alone: the file, and whether it is read as a stream. */
  loadChild?: string;
  loadStream?: boolean;
  noDocs?: boolean;
}

const USAGE = `usage: npm run bench -- [options]
  --only engine|scale|symbolic|web   one part (web: the browser rows alone, a few minutes)
  --sizes 1000,5000,10000,20000      engine sizes (pods)
  --naive-budget-ms 3000             time for the naive evaluator's sample
  --port 8080/TCP                    the port the matrices are computed for
  --scale-sizes 10000,65000,150000   scale rows (pods)
  --dump-pods 150000                 the streamed kubectl-style dump (0: none)
  --no-docs                          do not write the tables into README.md and docs/scale.md`;

/** Options and whether each takes a value; `--*-child` and `--load-stream` are the bench's own, for its child processes. */
const OPTIONS = new Map<string, boolean>([
  ['--only', true],
  ['--sizes', true],
  ['--naive-budget-ms', true],
  ['--port', true],
  ['--scale-sizes', true],
  ['--dump-pods', true],
  ['--no-docs', false],
  ['--child', true],
  ['--scale-child', true],
  ['--dump-child', true],
  ['--load-child', true],
  ['--load-stream', false],
  ['--symbolic-child', false],
]);

/** Exit 2 on an option the bench does not know: an ignored typo (or `--help`) used to run the whole bench. */
function refuse(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const takesValue = OPTIONS.get(arg);
    if (takesValue === undefined) refuse(`unknown option ${arg}`);
    if (takesValue) i++;
  }
  const only = argv.indexOf('--only');
  if (only >= 0 && !['engine', 'scale', 'symbolic', 'web'].includes(argv[only + 1] ?? ''))
    refuse(`--only takes engine, scale, symbolic or web, not ${argv[only + 1] ?? 'nothing'}`);

  const args: Args = {
    sizes: [1000, 5000, 10000, 20000],
    naiveBudgetMs: 3000,
    port: { protocol: 'TCP', port: 8080 },
    scaleSizes: DEFAULT_SCALE_SIZES,
    dumpPods: DEFAULT_DUMP_PODS,
  };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1] ?? '';
    if (argv[i] === '--sizes') args.sizes = value.split(',').map(Number);
    else if (argv[i] === '--naive-budget-ms') args.naiveBudgetMs = Number(value);
    else if (argv[i] === '--child') args.child = Number(value);
    else if (argv[i] === '--scale-sizes') args.scaleSizes = value.split(',').map(Number);
    else if (argv[i] === '--dump-pods') args.dumpPods = Number(value);
    else if (argv[i] === '--scale-child') args.scaleChild = Number(value);
    else if (argv[i] === '--dump-child') args.dumpChild = Number(value);
    else if (argv[i] === '--load-child') args.loadChild = value;
    else if (argv[i] === '--load-stream' || argv[i] === '--no-docs') {
      if (argv[i] === '--load-stream') args.loadStream = true;
      else args.noDocs = true;
      continue;
    } else if (
      argv[i] === '--only' &&
      (value === 'engine' || value === 'scale' || value === 'symbolic' || value === 'web')
    )
      args.only = value;
    else if (argv[i] === '--symbolic-child') {
      args.symbolicChild = true;
      continue;
    } else if (argv[i] === '--port') {
      const parsed = parsePortQuery(value);
      if (!parsed.ok) throw new Error(parsed.error.message);
      args.port = parsed.value;
    } else continue;
    i++;
  }
  if (args.sizes.some((n) => !Number.isInteger(n) || n < 50)) throw new Error('--sizes: whole numbers >= 50');
  return args;
}

const ms = (start: number) => Math.round((performance.now() - start) * 1000) / 1000;
const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const peakRssMiB = () => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return at(sorted, Math.floor(sorted.length / 2));
}

/** mulberry32, for the pair sample (reproducible runs). */
function sampler(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/**
 * Time `fn` `runs` times (the first run pays for JIT warm-up): wall clock, and CPU time of
 * this process (steadier than wall time on a shared machine).
 */
function timed<T>(
  runs: number,
  fn: () => T,
): { value: T; firstMs: number; medianMs: number; minMs: number; cpuMedianMs: number } {
  const times: number[] = [];
  const cpu: number[] = [];
  let value!: T;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    value = fn();
    const used = process.cpuUsage(cpuStart);
    times.push(ms(start));
    cpu.push(Math.round((used.user + used.system) / 10) / 100);
  }
  return { value, firstMs: first(times), medianMs: median(times), minMs: Math.min(...times), cpuMedianMs: median(cpu) };
}

async function runSize(pods: number, args: Args) {
  const options = genOptionsForPods(pods, { seed: SEED });
  let start = performance.now();
  const text = renderGenerated(generateCluster(options), 'json');
  const genMs = ms(start);

  const load = timed(1, () => loadCluster([{ name: 'generated.json', text }]));
  const loaded = load.value;
  const loadMs = load.firstMs;
  if (!loaded.ok) throw new Error(`generated cluster is invalid: ${loaded.issues[0]?.message}`);
  const cluster = loaded.value.cluster;
  const rssAfterLoad = peakRssMiB();

  const listed = listMatrixEndpoints(cluster);
  const perPodListed = listMatrixEndpoints(cluster, { perPod: true });
  if (!listed.ok || !perPodListed.ok) throw new Error('endpoint listing failed');
  const endpoints = listed.value;
  const ports = [args.port];

  const fast = timed(3, () => computeMatrix(cluster, { endpoints, ports, expand: true }));
  const grouped = timed(3, () => computeMatrix(cluster, { endpoints, ports, expand: false }));
  const perPod = timed(2, () => computeMatrix(cluster, { endpoints: perPodListed.value, ports, expand: true }));
  const perPodRowsBytes = perPodListed.value.length * perPod.value.rowWords * 4;
  const rssAfterMatrix = peakRssMiB();

  // One check after load: the reference engine, on random endpoint pairs.
  const pick = sampler(SEED * 7919 + pods);
  const pair = () => [at(endpoints, pick(endpoints.length)), at(endpoints, pick(endpoints.length))] as const;
  start = performance.now();
  const engine = createReferenceEngine(cluster);
  const engineBuildMs = ms(start);
  const [a0, b0] = pair();
  start = performance.now();
  engine.check(...cellPeers(a0, b0), args.port);
  const firstCheckMs = ms(start);
  const checkTimes: number[] = [];
  let checkMismatches = 0;
  for (let k = 0; k < 2000; k++) {
    const [a, b] = pair();
    const t = performance.now();
    const verdict = engine.check(...cellPeers(a, b), args.port);
    checkTimes.push(performance.now() - t);
    const expected = fast.value.allowed(endpoints.indexOf(a), endpoints.indexOf(b), 0);
    if (verdict.allowed !== expected) checkMismatches++;
  }
  // The same single-pair question answered from the fast matrix.
  start = performance.now();
  let lookups = 0;
  for (let k = 0; k < 100000; k++) if (fast.value.allowed(pick(endpoints.length), pick(endpoints.length), 0)) lookups++;
  const matrixLookupNs = Math.round(((performance.now() - start) * 1e6) / 100000);

  // Naive: a random sample of pairs within the budget, extrapolated to the full matrix.
  const naive = naiveSample(cluster, endpoints, fast.value, args, pick);
  const fullPairs = endpoints.length * endpoints.length;
  const naiveFullEstimateMs = Math.round(naive.perPairUs * fullPairs) / 1000;

  return {
    pods: cluster.pods.length,
    workloads: cluster.workloads.length,
    namespaces: cluster.namespaces.size,
    policies: cluster.policies.length,
    services: cluster.services.length,
    generator: options,
    inputBytes: text.length,
    port: args.port,
    genMs,
    loadMs,
    loadCpuMs: load.cpuMedianMs,
    fastMatrix: {
      endpoints: endpoints.length,
      classes: fast.value.stats.podClasses + fast.value.stats.externalClasses,
      ipBlocks: fast.value.stats.ipBlocks,
      firstMs: fast.firstMs,
      medianMs: fast.medianMs,
      minMs: fast.minMs,
      cpuMedianMs: fast.cpuMedianMs,
      loadPlusMatrixMs: Math.round((loadMs + fast.medianMs) * 1000) / 1000,
    },
    groupedMatrix: {
      firstMs: grouped.firstMs,
      medianMs: grouped.medianMs,
      minMs: grouped.minMs,
      cpuMedianMs: grouped.cpuMedianMs,
    },
    perPodMatrix: {
      endpoints: perPodListed.value.length,
      classes: perPod.value.stats.podClasses,
      firstMs: perPod.firstMs,
      medianMs: perPod.medianMs,
      cpuMedianMs: perPod.cpuMedianMs,
      rowsMiB: mib(perPodRowsBytes),
    },
    check: {
      engine: 'reference (createReferenceEngine)',
      engineBuildMs,
      firstCheckMs,
      checks: checkTimes.length,
      medianCheckUs: Math.round(median(checkTimes) * 1000 * 10) / 10,
      maxCheckUs: Math.round(Math.max(...checkTimes) * 1000 * 10) / 10,
      mismatchesWithFast: checkMismatches,
      fastMatrixLookupNs: matrixLookupNs,
      lookupsAllowed: lookups,
    },
    naive: {
      budgetMs: args.naiveBudgetMs,
      sampledPairs: naive.pairs,
      perPairUs: Math.round(naive.perPairUs * 100) / 100,
      fullPairs,
      fullMatrixEstimateMs: naiveFullEstimateMs,
      mismatchesWithFast: naive.mismatches,
      full: naive.full,
    },
    ratioNaiveOverFast: Math.round((naiveFullEstimateMs / fast.medianMs) * 10) / 10,
    memory: {
      peakRssMiB: peakRssMiB(),
      rssAfterLoadMiB: rssAfterLoad,
      rssAfterMatricesMiB: rssAfterMatrix,
      heapUsedMiB: mib(process.memoryUsage().heapUsed),
    },
  };
}

function naiveSample(
  cluster: Parameters<typeof naiveAllowed>[0],
  endpoints: readonly MatrixEndpoint[],
  fast: ReturnType<typeof computeMatrix>,
  args: Args,
  pick: (n: number) => number,
) {
  const n = endpoints.length;
  let pairs = 0;
  let mismatches = 0;
  const start = performance.now();
  while (performance.now() - start < args.naiveBudgetMs) {
    for (let k = 0; k < 50; k++) {
      const i = pick(n);
      const j = pick(n);
      const verdict = naiveAllowed(cluster, ...cellPeers(at(endpoints, i), at(endpoints, j)), args.port);
      if (verdict !== fast.allowed(i, j, 0)) mismatches++;
      pairs++;
    }
  }
  const perPairUs = ((performance.now() - start) * 1000) / pairs;
  // The full naive matrix, when it fits in a few budgets (the smallest size).
  let full: Record<string, unknown> | undefined;
  if (perPairUs * n * n < args.naiveBudgetMs * 4 * 1000) {
    const t = performance.now();
    let fullMismatches = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const verdict = naiveAllowed(cluster, ...cellPeers(at(endpoints, i), at(endpoints, j)), args.port);
        if (verdict !== fast.allowed(i, j, 0)) fullMismatches++;
      }
    }
    full = { pairs: n * n, ms: ms(t), mismatchesWithFast: fullMismatches };
  }
  return { pairs, perPairUs, mismatches, full };
}

/** Growth exponent k in time ~ size^k between consecutive sizes. */
type SizeResult = Awaited<ReturnType<typeof runSize>>;

function growth(results: SizeResult[], pick: (r: SizeResult) => number) {
  const out: { from: number; to: number; exponent: number }[] = [];
  for (let i = 1; i < results.length; i++) {
    const [a, b] = [at(results, i - 1), at(results, i)];
    const exponent = Math.log(pick(b) / pick(a)) / Math.log(b.pods / a.pods);
    out.push({ from: a.pods, to: b.pods, exponent: Math.round(exponent * 100) / 100 });
  }
  return out;
}

async function labReport(): Promise<unknown> {
  const path = join(ROOT, 'scripts', 'bench-lab.ts');
  if (!existsSync(path))
    return { skipped: 'scripts/bench-lab.ts is not there (the dataplane bench lands with the lab)' };
  if (process.getuid?.() !== 0) return { skipped: 'the lab bench needs root (network namespaces, nftables)' };
  try {
    const module = (await import(pathToFileURL(path).href)) as { benchLab?: () => Promise<object> };
    if (typeof module.benchLab !== 'function') return { skipped: 'scripts/bench-lab.ts does not export benchLab()' };
    return await module.benchLab();
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}

/** The web UI through a browser (scripts/bench-web.ts): a failure is recorded, not fatal. */
async function webReport(): Promise<unknown> {
  try {
    const { benchWeb } = await import('./bench-web.js');
    const report = await benchWeb();
    process.stderr.write(`web (10k pods, through chromium): ${JSON.stringify(report)}\n`);
    return report;
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}

function printTable(results: SizeResult[]) {
  const rows = [
    [
      'pods',
      'wl',
      'pol',
      'load ms',
      'fast ms (cpu)',
      'grouped ms',
      'per-pod ms (cpu)',
      'check µs',
      'naive est ms',
      'naive/fast',
      'peak RSS MiB',
    ],
    ...results.map((r) => [
      r.pods,
      r.workloads,
      r.policies,
      r.loadMs.toFixed(0),
      `${r.fastMatrix.medianMs.toFixed(1)} (${r.fastMatrix.cpuMedianMs.toFixed(0)})`,
      r.groupedMatrix.medianMs.toFixed(1),
      `${r.perPodMatrix.medianMs.toFixed(1)} (${r.perPodMatrix.cpuMedianMs.toFixed(0)})`,
      r.check.medianCheckUs.toFixed(1),
      r.naive.fullMatrixEstimateMs.toFixed(0),
      r.ratioNaiveOverFast.toFixed(0),
      r.memory.peakRssMiB.toFixed(0),
    ]),
  ].map((row) => row.map(String));
  const widths = first(rows).map((_, c) => Math.max(...rows.map((row) => at(row, c).length)));
  for (const row of rows) process.stderr.write(`${row.map((cell, c) => cell.padStart(at(widths, c))).join('  ')}\n`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child !== undefined) {
    process.stdout.write(`${JSON.stringify(await runSize(args.child, args))}\n`);
    return;
  }
  if (args.scaleChild !== undefined) {
    process.stdout.write(`${JSON.stringify(runScaleSize(args.scaleChild, SEED, runLoadAloneChild))}\n`);
    return;
  }
  if (args.dumpChild !== undefined) {
    process.stdout.write(`${JSON.stringify(runDump(args.dumpChild, SEED, runLoadAloneChild))}\n`);
    return;
  }
  if (args.loadChild !== undefined) {
    process.stdout.write(`${JSON.stringify(runLoadAlone(args.loadChild, args.loadStream === true))}\n`);
    return;
  }
  if (args.symbolicChild) {
    process.stdout.write(`${JSON.stringify(runSymbolic(SEED))}\n`);
    return;
  }
  const started = performance.now();
  const results: SizeResult[] = [];
  // `--only engine` has always kept the lab and web rows; `--only web` runs the browser alone.
  const runs = (part: 'engine' | 'scale' | 'symbolic' | 'lab' | 'web') =>
    args.only === undefined || args.only === part || (args.only === 'engine' && (part === 'lab' || part === 'web'));
  for (const size of runs('engine') ? args.sizes : []) {
    process.stderr.write(`bench: ${size} pods...\n`);
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2), '--child', String(size)],
      { cwd: ROOT, encoding: 'utf8', timeout: 150_000, maxBuffer: 1 << 24 },
    );
    if (child.status !== 0) {
      process.stderr.write(child.stderr);
      throw new Error(`bench for ${size} pods failed (exit ${child.status ?? child.signal})`);
    }
    results.push(JSON.parse(child.stdout) as SizeResult);
  }
  const { loadavg, cpus } = await import('node:os');
  const scaleStarted = performance.now();
  const loadBefore = loadavg();
  const scale = runs('scale') ? runScaleChildren(args) : [];
  const scaleMeta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadBefore,
    loadAfter: loadavg(),
    scaleMs: ms(scaleStarted),
  };
  const symbolic = runs('symbolic') ? runSymbolicChild() : undefined;
  const at10k = results.find((r) => r.pods >= 10000 && r.pods < 11000);
  const report = {
    tool: 'netpol bench',
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: (await import('node:os')).cpus().length,
    seed: SEED,
    port: args.port,
    sizes: results,
    growth: {
      note: 'exponent k in t ~ pods^k between consecutive sizes (1 = linear, 2 = quadratic)',
      load: growth(results, (r) => r.loadMs),
      fastMatrix: growth(results, (r) => r.fastMatrix.medianMs),
      groupedMatrix: growth(results, (r) => r.groupedMatrix.medianMs),
      perPodMatrix: growth(results, (r) => r.perPodMatrix.medianMs),
      naiveFullEstimate: growth(results, (r) => r.naive.fullMatrixEstimateMs),
      peakRss: growth(results, (r) => r.memory.peakRssMiB),
    },
    targets: at10k
      ? {
          pods: at10k.pods,
          fastMatrixUnder2s: at10k.fastMatrix.medianMs < 2000,
          perPodMatrixUnder2s: at10k.perPodMatrix.medianMs < 2000,
          peakRssUnder1GiB: at10k.memory.peakRssMiB < 1024,
          checkUnder1ms: at10k.check.medianCheckUs < 1000,
          naiveOver50xFast: at10k.ratioNaiveOverFast >= 50,
          fastEqualsNaiveOnSample: at10k.naive.mismatchesWithFast === 0,
        }
      : { note: 'no size near 10,000 pods in this run' },
    allSampledPairsAgree: results.every(
      (r) =>
        r.naive.mismatchesWithFast === 0 &&
        (r.naive.full?.mismatchesWithFast ?? 0) === 0 &&
        r.check.mismatchesWithFast === 0,
    ),
    scale: {
      ...scaleMeta,
      rows: scale,
      growth: scaleGrowth(scale.filter((r): r is ScaleRow => !('failed' in r))),
      targets: scaleTargets(scale),
    },
    symbolic: symbolic
      ? {
          row: symbolic,
          targets:
            'failed' in symbolic
              ? {}
              : {
                  classesAndDiffUnder2s: symbolic.classesMs + symbolic.diffMs < 2000,
                  peakRssUnder1GiB: symbolic.peakRssMiB < 1024,
                },
        }
      : { skipped: `--only ${args.only}` },
    lab: runs('lab') ? await labReport() : { skipped: `--only ${args.only}` },
    web: runs('web') ? await webReport() : { skipped: `--only ${args.only}` },
    totalMs: ms(started),
  };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(join(ROOT, 'bench-report.json'), json);
  process.stdout.write(json);
  if (results.length > 0) printTable(results);
  const rows = scale.filter((r): r is ScaleRow => !('failed' in r));
  if (rows.length > 0) {
    process.stderr.write('\nscale (CPU time):\n');
    printScaleTable(rows, (line) => process.stderr.write(`${line}\n`));
  }
  for (const r of scale) if ('failed' in r) process.stderr.write(`scale ${r.name}: failed: ${r.failed}\n`);
  if (scale.length > 0) {
    // The README's table, ready to paste (docs/scale.md says how it was measured).
    const markdown = scaleMarkdown(scale, scaleMeta);
    writeFileSync(join(ROOT, 'bench-scale.md'), markdown);
    process.stderr.write(`\nREADME table (also in bench-scale.md):\n\n${markdown}`);
    // The published tables are one complete run's: every default row, none failed.
    const complete =
      args.scaleSizes.join(',') === DEFAULT_SCALE_SIZES.join(',') &&
      args.dumpPods === DEFAULT_DUMP_PODS &&
      rows.length === scale.length;
    if (args.noDocs || !complete) {
      process.stderr.write(
        'bench: README.md and docs/scale.md left as they were (--no-docs, or not every default scale row ran)\n',
      );
    } else {
      const docs = writeScaleDocs([join(ROOT, 'README.md'), join(ROOT, 'docs', 'scale.md')], markdown);
      process.stderr.write(`bench: wrote the scale block of ${docs.written.join(', ')}\n`);
      for (const file of docs.skipped) process.stderr.write(`bench: ${file} has no bench-scale block\n`);
    }
  }
  if (symbolic && !('failed' in symbolic)) {
    process.stderr.write(
      `\nsymbolic (${symbolic.name}): ${symbolic.classes} classes (${symbolic.witnesses} witnesses) in ${symbolic.classesMs} ms; diff ${symbolic.diffMs} ms (${symbolic.opened} opened, ${symbolic.closed} closed); lint ${symbolic.lintMs} ms; peak RSS ${symbolic.peakRssMiB} MiB${symbolic.notes.length ? `; ${symbolic.notes.length} coarsening note(s)` : ''}\n`,
    );
  } else if (symbolic) process.stderr.write(`symbolic: failed: ${symbolic.failed}\n`);
  if (results.length > 0)
    process.stderr.write(
      `growth (t ~ pods^k): fast ${report.growth.fastMatrix.map((g) => g.exponent).join(', ')}; per-pod ${report.growth.perPodMatrix.map((g) => g.exponent).join(', ')}; load ${report.growth.load.map((g) => g.exponent).join(', ')}; peak RSS ${report.growth.peakRss.map((g) => g.exponent).join(', ')}\n`,
    );
  process.stderr.write(`wrote bench-report.json in ${(report.totalMs / 1000).toFixed(1)} s\n`);
  if (!report.allSampledPairsAgree) {
    process.stderr.write('bench: the fast matrix disagrees with the naive evaluator or the reference engine\n');
    process.exitCode = 1;
  }
}

/**
 * The scale rows, each in a child with room to grow (peak RSS is the child's): a failure is
 * recorded in its row, the rest still run.
 */
function runScaleChildren(args: Args): (ScaleRow | { name: string; failed: string })[] {
  const jobs = [
    ...args.scaleSizes.map((n) => ({ name: `generated ${n.toLocaleString('en-US')}`, flag: '--scale-child', n })),
    ...(args.dumpPods > 0
      ? [{ name: `pod dump ${args.dumpPods.toLocaleString('en-US')}`, flag: '--dump-child', n: args.dumpPods }]
      : []),
  ];
  return jobs.map(({ name, flag, n }) => {
    process.stderr.write(`bench: scale ${name}...\n`);
    const child = spawnSync(
      process.execPath,
      ['--max-old-space-size=6144', ...process.execArgv, fileURLToPath(import.meta.url), flag, String(n)],
      { cwd: ROOT, encoding: 'utf8', timeout: 1_800_000, maxBuffer: 1 << 24 },
    );
    if (child.status !== 0) {
      const last = child.stderr.trim().split('\n').slice(-3).join(' / ');
      return { name, failed: `exit ${child.status ?? child.signal}: ${last}` };
    }
    return JSON.parse(child.stdout) as ScaleRow;
  });
}

/** A scale row's load alone, in a child of its own (its peak RSS is load's). */
function runLoadAloneChild(file: string, stream: boolean): LoadAlone | { failed: string } {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--load-child', file, ...(stream ? ['--load-stream'] : [])],
    { cwd: ROOT, encoding: 'utf8', timeout: 900_000, maxBuffer: 1 << 24 },
  );
  if (child.status !== 0)
    return { failed: `exit ${child.status ?? child.signal}: ${child.stderr.trim().split('\n').slice(-3).join(' / ')}` };
  return JSON.parse(child.stdout) as LoadAlone;
}

/** The symbolic row in a child of its own (its peak RSS is the row's). */
function runSymbolicChild(): SymbolicRow | { failed: string } {
  process.stderr.write('bench: symbolic (policies alone)...\n');
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--symbolic-child'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0)
    return { failed: `exit ${child.status ?? child.signal}: ${child.stderr.trim().split('\n').slice(-3).join(' / ')}` };
  return JSON.parse(child.stdout) as SymbolicRow;
}

/** SPEC "Scale targets", judged on the 150,000-pod rows. */
function scaleTargets(rows: readonly (ScaleRow | { name: string; failed: string })[]) {
  const big = rows.find((r): r is ScaleRow => !('failed' in r) && r.name.startsWith('generated') && r.pods >= 150000);
  const dump = rows.find((r): r is ScaleRow => !('failed' in r) && r.name.startsWith('pod dump'));
  const alone = (r: ScaleRow | undefined) => (r && 'peakRssMiB' in r.loadAlone ? r.loadAlone.peakRssMiB : undefined);
  const under = (mib: number | undefined, limit: number) => (mib === undefined ? null : mib < limit);
  return {
    generated150kLoadWithin10xParse: big ? big.loadOverParse <= 10 : null,
    /** The issue's memory targets are about load (validate + model), measured alone. */
    generated150kLoadUnder2GiB: under(alone(big), 2048),
    dump150kLoadUnder4GiB: under(alone(dump), 4096),
    /** The whole row (diff holds two clusters), as before session 5. */
    generated150kUnder2GiB: big ? big.peakRssMiB < 2048 : null,
    dump150kUnder4GiB: dump ? dump.peakRssMiB < 4096 : null,
  };
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

/**
 * The scale part of `npm run bench` (issue 18): generated clusters up to the largest
 * Kubernetes supports (150,000 pods) and a 150,000-pod `kubectl get -o json`-style dump, each
 * in its own child process (peak RSS per row). Per row: the parse floor (`JSON.parse` of the
 * same text, or for the dump, reading its bytes), load (read → validate → model), the
 * grouped matrix (`--group-by namespace` on one port), check (engine + 1,000 questions),
 * explain (one pod), lint, diff (against the same cluster with 7 more policies), peak RSS of
 * the row, and the peak RSS of load alone (the same file loaded in a process of its own, as
 * `netpol validate -f` would: what the issue's memory target is about).
 * Times are CPU time of this process (steadier than wall time on a shared machine; both kept).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  at,
  type ClusterModel,
  createJsonStreamReader,
  createReferenceEngine,
  first,
  loadCluster,
  type SourceFile,
  SUPPORTED_KINDS,
} from '@netpol/core';
import { diffClusters } from '@netpol/core/diff';
import { explainPod } from '@netpol/core/explain';
import { generateCluster, genOptionsForPods, podDumpChunks } from '@netpol/core/gen';
import { runLint } from '@netpol/core/lint';
import { computeMatrix, endpointPeer, groupByNamespace, listMatrixEndpoints } from '@netpol/core/matrix';

const PORT = { protocol: 'TCP', port: 8080 } as const;

export interface Timing {
  wallMs: number;
  cpuMs: number;
}

function time<T>(fn: () => T): { value: T } & Timing {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return {
    value,
    wallMs: Math.round(performance.now() - start),
    cpuMs: Math.round((used.user + used.system) / 1000),
  };
}

const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

export interface ScaleRow {
  name: string;
  pods: number;
  workloads: number;
  namespaces: number;
  policies: number;
  inputMiB: number;
  /** JSON.parse of the same text; for the dump (larger than one string) reading its bytes. */
  parseFloor: Timing & { what: string };
  load: Timing & { issues: number };
  groupedMatrix: Timing & { groups: number; endpoints: number; classes: number };
  check: Timing & { questions: number; engineMs: number };
  explain: Timing;
  lint: Timing & { findings: number };
  diff: (Timing & { opened: number; closed: number }) | { skipped: string };
  /**
   * diff against the same cluster with a label no policy reads on every workload's pods (a
   * version bump): every endpoint changed, no verdict did. Absent for the dump.
   */
  diffRelabel?: Timing & { changedEndpoints: number; opened: number; closed: number };
  /** Peak RSS of the whole row (two clusters at once for diff). */
  peakRssMiB: number;
  /** Load of the same input in a process of its own: read → validate → model, nothing else. */
  loadAlone: LoadAlone | { failed: string };
  loadOverParse: number;
}

/** Load alone, in its own process: its CPU time and the process's peak RSS. */
export interface LoadAlone extends Timing {
  peakRssMiB: number;
}

/** Runs `runLoadAlone(file, stream)` in a child process (bench.ts `--load-child`). */
export type LoadAloneChild = (file: string, stream: boolean) => LoadAlone | { failed: string };

/**
 * Read → validate → model of one file and nothing else (the process's peak RSS is load's):
 * JSON read whole as `netpol -f` reads a file under the streaming threshold, or the dump read
 * as a stream in 4 MiB chunks, as `netpol -f` reads a file above it.
 */
export function runLoadAlone(file: string, stream: boolean): LoadAlone {
  const loaded = time(() => {
    if (!stream) return loadCluster([{ name: 'generated.json', text: readFileSync(file, 'utf8') }]);
    const reader = createJsonStreamReader('pods.json', (kind) => SUPPORTED_KINDS.includes(kind));
    readChunks(file, Buffer.allocUnsafe(4 << 20), (chunk) => reader.push(chunk));
    return loadCluster([reader.end()]);
  });
  const errors = loaded.value.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new Error(`the input is invalid: ${first(errors).code}: ${first(errors).message}`);
  return { wallMs: loaded.wallMs, cpuMs: loaded.cpuMs, peakRssMiB: peakRssMiB() };
}

function readChunks(file: string, buffer: Buffer, push: (chunk: Uint8Array) => void): void {
  const input = openSync(file, 'r');
  try {
    for (let n = readSync(input, buffer); n > 0; n = readSync(input, buffer)) push(buffer.subarray(0, n));
  } finally {
    closeSync(input);
  }
}

/** What every row measures once its cluster is loaded. */
function analyse(loaded: ReturnType<typeof loadCluster>) {
  const { cluster, objects } = loaded.value;
  const listed = listMatrixEndpoints(cluster);
  if (!listed.ok) throw new Error('endpoint listing failed');
  const endpoints = listed.value;
  const grouped = time(() => {
    const result = computeMatrix(cluster, { endpoints, ports: [PORT], expand: false });
    const groups = groupByNamespace(result);
    let allowed = 0;
    for (let a = 0; a < groups.groups.length; a++) for (const n of groups.allowedRow(a, 0)) allowed += n;
    return { groups: groups.groups.length, classes: result.classes.count, allowed };
  });
  const check = time(() => {
    const engine = time(() => createReferenceEngine(cluster));
    for (let k = 0; k < 1000; k++) {
      const from = at(endpoints, (k * 7919) % endpoints.length);
      const to = at(endpoints, (k * 104729 + 13) % endpoints.length);
      engine.value.check(endpointPeer(from), endpointPeer(to), PORT);
    }
    return engine.cpuMs;
  });
  // As `netpol explain --pod` does (explain compiles the cluster, once per model).
  const explain = time(() => explainPod(cluster, at(cluster.pods, Math.floor(cluster.pods.length / 2))));
  const lint = time(() => runLint({ cluster, objects }).length);
  return {
    groupedMatrix: {
      wallMs: grouped.wallMs,
      cpuMs: grouped.cpuMs,
      groups: grouped.value.groups,
      endpoints: endpoints.length,
      classes: grouped.value.classes,
    },
    check: { wallMs: check.wallMs, cpuMs: check.cpuMs, questions: 1000, engineMs: check.value },
    explain: { wallMs: explain.wallMs, cpuMs: explain.cpuMs },
    lint: { wallMs: lint.wallMs, cpuMs: lint.cpuMs, findings: lint.value },
  };
}

function counts(loaded: ReturnType<typeof loadCluster>) {
  const { cluster } = loaded.value;
  return {
    pods: cluster.pods.length,
    workloads: cluster.workloads.length,
    namespaces: cluster.namespaces.size,
    policies: cluster.policies.length,
  };
}

function mustLoad(sources: SourceFile[]) {
  const loaded = time(() => loadCluster(sources));
  const errors = loaded.value.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new Error(`generated input is invalid: ${first(errors).code}: ${first(errors).message}`);
  return loaded;
}

/**
 * Compile the code paths once on a small cluster: JSON.parse is native, the pipeline is
 * JavaScript that V8 optimises as it runs; without this the smallest row measures the JIT.
 */
function warmUp(): void {
  const text = JSON.stringify(generateCluster(genOptionsForPods(500, { seed: 99 })));
  const loaded = loadCluster([{ name: 'warm-up.json', text }]);
  analyse(loaded);
  diffClusters(loaded.value.cluster, loaded.value.cluster);
}

/** A generated cluster of about `pods` pods, compact JSON (as the issue measured it). */
export function runScaleSize(pods: number, seed: number, loadAloneChild: LoadAloneChild): ScaleRow {
  const options = genOptionsForPods(pods, { seed });
  const text = JSON.stringify(generateCluster(options));
  const dir = mkdtempSync(join(tmpdir(), 'netpol-bench-load-'));
  let loadAlone: ScaleRow['loadAlone'];
  try {
    writeFileSync(join(dir, 'generated.json'), text);
    loadAlone = loadAloneChild(join(dir, 'generated.json'), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  warmUp();
  JSON.parse(text);
  const parse = time(() => JSON.parse(text));
  const loaded = mustLoad([{ name: 'generated.json', text }]);
  const analysed = analyse(loaded.value);
  const diff = policiesDiff(options, loaded.value.value.cluster);
  // Each diff's other version is collected before the next is loaded: the row's peak RSS is
  // two clusters at once, as before the relabelled diff was added.
  const diffRelabel = relabelDiff(options, loaded.value.value.cluster);
  return {
    name: `generated ${pods.toLocaleString('en-US')}`,
    ...counts(loaded.value),
    inputMiB: Math.round((text.length / 1048576) * 10) / 10,
    parseFloor: { what: 'JSON.parse', wallMs: parse.wallMs, cpuMs: parse.cpuMs },
    load: { wallMs: loaded.wallMs, cpuMs: loaded.cpuMs, issues: loaded.value.issues.length },
    ...analysed,
    diff,
    diffRelabel,
    peakRssMiB: peakRssMiB(),
    loadAlone,
    loadOverParse: Math.round((loaded.cpuMs / Math.max(1, parse.cpuMs)) * 10) / 10,
  };
}

/** diff: the same cluster with 7 more policies (a pull request's worth of change). */
function policiesDiff(options: ReturnType<typeof genOptionsForPods>, cluster: ClusterModel): ScaleRow['diff'] {
  const headText = JSON.stringify(generateCluster({ ...options, policies: options.policies + 7 }));
  const head = mustLoad([{ name: 'head.json', text: headText }]);
  const diff = time(() => diffClusters(cluster, head.value.value.cluster));
  return { wallMs: diff.wallMs, cpuMs: diff.cpuMs, opened: diff.value.opened.length, closed: diff.value.closed.length };
}

/**
 * diff of `cluster` against itself with `version: v2` on every workload template (a chart
 * bump does this): every endpoint's labels changed, no verdict did. Comparing every pair of
 * changed endpoints made this quadratic (a minute at 10,000 pods).
 */
function relabelDiff(options: ReturnType<typeof genOptionsForPods>, cluster: ClusterModel): ScaleRow['diffRelabel'] {
  const list = generateCluster(options) as {
    items: { kind: string; spec?: { template?: { metadata?: { labels?: Record<string, string> } } } }[];
  };
  for (const item of list.items) {
    const metadata = item.spec?.template?.metadata;
    if (metadata) metadata.labels = { ...metadata.labels, version: 'v2' };
  }
  const relabelled = mustLoad([{ name: 'relabelled.json', text: JSON.stringify(list) }]);
  const diff = time(() => diffClusters(cluster, relabelled.value.value.cluster));
  return {
    wallMs: diff.wallMs,
    cpuMs: diff.cpuMs,
    changedEndpoints: diff.value.endpoints.changed.length,
    opened: diff.value.opened.length,
    closed: diff.value.closed.length,
  };
}

/**
 * A `kubectl get pods,namespaces,services,networkpolicies -A -o json`-style dump of the
 * generated cluster (about a gigabyte at 150,000 pods: more than one string), written to a
 * temporary file and read back as `netpol -f` reads it, as a stream.
 */
export function runDump(pods: number, seed: number, loadAloneChild: LoadAloneChild): ScaleRow {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-bench-dump-'));
  const file = join(dir, 'pods.json');
  try {
    let bytes = 0;
    const fd = openSync(file, 'w');
    let pending: string[] = [];
    let size = 0;
    for (const chunk of podDumpChunks(generateCluster(genOptionsForPods(pods, { seed })) as { items: [] })) {
      pending.push(chunk);
      size += chunk.length;
      if (size > 1 << 22) {
        bytes += writeSync(fd, pending.join(''));
        pending = [];
        size = 0;
      }
    }
    bytes += writeSync(fd, pending.join(''));
    closeSync(fd);
    const loadAlone = loadAloneChild(file, true);
    warmUp();
    const buffer = Buffer.allocUnsafe(4 << 20);
    const readAll = (push: (chunk: Uint8Array) => void) => readChunks(file, buffer, push);
    const floor = time(() => readAll(() => {}));
    const loaded = time(() => {
      const reader = createJsonStreamReader('pods.json', (kind) => SUPPORTED_KINDS.includes(kind));
      readAll((chunk) => reader.push(chunk));
      return loadCluster([reader.end()]);
    });
    const errors = loaded.value.issues.filter((i) => i.severity === 'error');
    if (errors.length > 0) throw new Error(`the dump is invalid: ${first(errors).code}: ${first(errors).message}`);
    const analysed = analyse(loaded.value);
    return {
      name: `pod dump ${pods.toLocaleString('en-US')}`,
      ...counts(loaded.value),
      inputMiB: Math.round(bytes / 1048576),
      parseFloor: { what: 'read the bytes (JSON.parse cannot: larger than one string)', ...floor },
      load: { wallMs: loaded.wallMs, cpuMs: loaded.cpuMs, issues: loaded.value.issues.length },
      ...analysed,
      diff: { skipped: 'two 150k-pod dumps at once would measure memory, not diff: see the generated rows' },
      peakRssMiB: peakRssMiB(),
      loadAlone,
      loadOverParse: Math.round((loaded.cpuMs / Math.max(1, floor.cpuMs)) * 10) / 10,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The columns measured per row, by name (undefined: not measured in that row). */
const COLUMNS = {
  parseFloor: (r: ScaleRow) => r.parseFloor.cpuMs,
  load: (r: ScaleRow) => r.load.cpuMs,
  loadAloneRss: (r: ScaleRow) => ('peakRssMiB' in r.loadAlone ? r.loadAlone.peakRssMiB : undefined),
  groupedMatrix: (r: ScaleRow) => r.groupedMatrix.cpuMs,
  check: (r: ScaleRow) => r.check.cpuMs,
  explain: (r: ScaleRow) => r.explain.cpuMs,
  lint: (r: ScaleRow) => r.lint.cpuMs,
  diff: (r: ScaleRow) => ('cpuMs' in r.diff ? r.diff.cpuMs : undefined),
  peakRss: (r: ScaleRow) => r.peakRssMiB,
} as const;

type Column = keyof typeof COLUMNS;

/** Growth exponent k in cost ~ pods^k between consecutive generated rows, for every column. */
export function scaleGrowth(rows: readonly ScaleRow[]) {
  const generated = rows.filter((r) => r.name.startsWith('generated'));
  const steps = generated.slice(1).map((b, i) => {
    const a = at(generated, i);
    const exponents = {} as Record<Column, number | null>;
    for (const [column, pick] of Object.entries(COLUMNS) as [Column, (r: ScaleRow) => number | undefined][]) {
      const [x, y] = [pick(a), pick(b)];
      exponents[column] = x && y ? Math.round((Math.log(y / x) / Math.log(b.pods / a.pods)) * 100) / 100 : null;
    }
    return { from: a.pods, to: b.pods, ...exponents };
  });
  return {
    note: 'k in cost ~ pods^k between consecutive generated sizes (CPU time, peak RSS in MiB; 1 = linear, 2 = quadratic)',
    steps,
  };
}

const seconds = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`);
const gib = (mib: number) => `${(mib / 1024).toFixed(2)} GiB`;
/** A multiple, two decimals below 1 (check is a few hundredths of the load). */
const multiple = (ratio: number) => `${ratio < 1 ? ratio.toFixed(2) : ratio.toFixed(1)}×`;
/** A time and its multiple of the row's load. */
const timesLoad = (ms: number, r: ScaleRow) => `${seconds(ms)} (${multiple(ms / Math.max(1, r.load.cpuMs))})`;
const loadAloneRss = (r: ScaleRow) => ('peakRssMiB' in r.loadAlone ? gib(r.loadAlone.peakRssMiB) : 'failed');

export function printScaleTable(rows: readonly ScaleRow[], write: (line: string) => void): void {
  const table = [
    [
      'input',
      'MiB',
      'parse floor',
      'load',
      'load/parse',
      'load RSS',
      'matrix (ns)',
      'check',
      'explain',
      'lint',
      'diff',
      'row RSS',
    ],
    ...rows.map((r) => [
      r.name,
      String(r.inputMiB),
      seconds(r.parseFloor.cpuMs),
      seconds(r.load.cpuMs),
      `${r.loadOverParse}×`,
      loadAloneRss(r),
      seconds(r.groupedMatrix.cpuMs),
      seconds(r.check.cpuMs),
      seconds(r.explain.cpuMs),
      seconds(r.lint.cpuMs),
      'cpuMs' in r.diff ? seconds(r.diff.cpuMs) : '—',
      gib(r.peakRssMiB),
    ]),
  ];
  const widths = first(table).map((_, c) => Math.max(...table.map((row) => at(row, c).length)));
  for (const row of table) write(row.map((cell, c) => cell.padStart(at(widths, c))).join('  '));
}

type RowOrFailure = ScaleRow | { name: string; failed: string };

/**
 * The README's and docs/scale.md's scale section, Markdown, from one run: what the machine
 * was doing (load average at the start and end of the scale part, its duration), the rows
 * (CPU seconds), the growth exponents between the generated sizes, and the issue's targets
 * judged on the 150,000-pod rows.
 */
export function scaleMarkdown(
  rows: readonly RowOrFailure[],
  meta: { date: string; node: string; cpus: number; loadBefore: number[]; loadAfter: number[]; scaleMs: number },
): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  const lines = [
    `Measured by \`npm run bench -- --only scale\` on ${meta.date.slice(0, 16).replace('T', ' ')} UTC, Node ${meta.node}, ${meta.cpus} cores; load average ${load(meta.loadBefore)} at the start, ${load(meta.loadAfter)} at the end; the scale part took ${Math.round(meta.scaleMs / 60000)} min. CPU seconds of the process (all its threads), compact JSON; lint, diff: in brackets, the multiple of the row's load.`,
    '',
    '| input | size | parse floor | load | load / parse | peak RSS, load alone | matrix (`--group-by namespace`) | check (engine + 1,000) | explain | lint | diff (+7 policies) | peak RSS, whole row |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    if ('failed' in r) {
      lines.push(`| ${r.name} | failed: ${r.failed.replaceAll('|', '/')} |||||||||||`);
      continue;
    }
    const what = `${r.name}: ${r.pods.toLocaleString('en-US')} pods, ${r.workloads.toLocaleString('en-US')} workloads, ${r.policies.toLocaleString('en-US')} policies`;
    const floor =
      r.parseFloor.what === 'JSON.parse'
        ? seconds(r.parseFloor.cpuMs)
        : `${seconds(r.parseFloor.cpuMs)} (reading the bytes)`;
    const diff = 'cpuMs' in r.diff ? timesLoad(r.diff.cpuMs, r) : '—';
    lines.push(
      `| ${what} | ${r.inputMiB} MiB | ${floor} | ${seconds(r.load.cpuMs)} | ${r.loadOverParse}× | ${loadAloneRss(r)} | ${seconds(r.groupedMatrix.cpuMs)} | ${seconds(r.check.cpuMs)} | ${seconds(r.explain.cpuMs)} | ${timesLoad(r.lint.cpuMs, r)} | ${diff} | ${gib(r.peakRssMiB)} |`,
    );
  }
  const measured = rows.filter((r): r is ScaleRow => !('failed' in r));
  const growth = scaleGrowth(measured);
  if (growth.steps.length > 0) {
    lines.push(
      '',
      'Growth exponent k (cost ~ pods^k; 1 = linear, 2 = quadratic) between the generated sizes, per column:',
      '',
      '| pods | parse floor | load | peak RSS, load alone | matrix | check | explain | lint | diff | peak RSS, whole row |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const g of growth.steps) {
      const k = (value: number | null) => (value === null ? '—' : value.toFixed(2));
      lines.push(
        `| ${g.from.toLocaleString('en-US')} → ${g.to.toLocaleString('en-US')} | ${k(g.parseFloor)} | ${k(g.load)} | ${k(g.loadAloneRss)} | ${k(g.groupedMatrix)} | ${k(g.check)} | ${k(g.explain)} | ${k(g.lint)} | ${k(g.diff)} | ${k(g.peakRss)} |`,
      );
    }
  }
  const relabelled = measured.filter((r) => r.diffRelabel);
  if (relabelled.length > 0) {
    const each = relabelled.map((r) => {
      const d = r.diffRelabel as NonNullable<ScaleRow['diffRelabel']>;
      return `${r.pods.toLocaleString('en-US')} pods ${seconds(d.cpuMs)} (${multiple(d.cpuMs / Math.max(1, r.load.cpuMs))} load; ${d.changedEndpoints.toLocaleString('en-US')} endpoints changed, ${d.opened + d.closed} connections)`;
    });
    lines.push(
      '',
      `diff with every workload relabelled (\`version: v2\` on every template: every endpoint changed, no verdict): ${each.join('; ')}.`,
    );
  }
  const targets = targetWords(measured);
  if (targets) lines.push('', targets);
  return `${lines.join('\n')}\n`;
}

/** Issue 18's targets judged on the 150,000-pod rows of this run, in one sentence. */
function targetWords(rows: readonly ScaleRow[]): string | undefined {
  const big = rows.find((r) => r.name.startsWith('generated') && r.pods >= 150000);
  if (!big) return undefined;
  const dump = rows.find((r) => r.name.startsWith('pod dump'));
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  const alone = 'peakRssMiB' in big.loadAlone ? big.loadAlone.peakRssMiB : undefined;
  const parts = [
    `load ${big.loadOverParse}× \`JSON.parse\` (target ≤ 10×: ${met(big.loadOverParse <= 10)})`,
    alone === undefined
      ? 'load alone: failed'
      : `peak RSS of load alone ${gib(alone)} (target < 2 GiB: ${met(alone < 2048)})`,
  ];
  if (dump && 'peakRssMiB' in dump.loadAlone) {
    const dumpRss = dump.loadAlone.peakRssMiB;
    parts.push(`the dump's load alone ${gib(dumpRss)} (target < 4 GiB: ${met(dumpRss < 4096)})`);
  }
  const ofLoad = (ms: number) => multiple(ms / Math.max(1, big.load.cpuMs));
  const diff = 'cpuMs' in big.diff ? `, diff ${ofLoad(big.diff.cpuMs)}` : '';
  parts.push(
    `check ${ofLoad(big.check.cpuMs)}, explain ${ofLoad(big.explain.cpuMs)}, lint ${ofLoad(big.lint.cpuMs)}${diff} the load`,
  );
  return `Issue 18's targets at 150,000 pods, this run: ${parts.join('; ')}.`;
}

const BEGIN = '<!-- bench-scale:begin (npm run bench -- --only scale writes this block) -->';
const END = '<!-- bench-scale:end -->';

/** `text` with `markdown` between its bench-scale markers; undefined when it lacks them. */
export function replaceScaleBlock(text: string, markdown: string): string | undefined {
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) return undefined;
  return `${text.slice(0, begin + BEGIN.length)}\n\n${markdown}\n${text.slice(end)}`;
}

/**
 * Puts `markdown` between the bench-scale markers of each file (README.md, docs/scale.md), so
 * the published tables are one bench run's output, never copied by hand. Returns the files
 * written; a file without both markers is left alone and named in `skipped`.
 */
export function writeScaleDocs(files: readonly string[], markdown: string): { written: string[]; skipped: string[] } {
  const written: string[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const replaced = replaceScaleBlock(readFileSync(file, 'utf8'), markdown);
    if (replaced === undefined) skipped.push(file);
    else {
      writeFileSync(file, replaced);
      written.push(file);
    }
  }
  return { written, skipped };
}

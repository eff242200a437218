/**
 * The scale part of `npm run bench` (issue 18): generated clusters up to the largest
 * Kubernetes supports (150,000 pods) and a 150,000-pod `kubectl get -o json`-style dump, each
 * in its own child process (peak RSS per row). Per row: the parse floor (`JSON.parse` of the
 * same text, or for the dump, reading its bytes), load (read → validate → model), the
 * grouped matrix (`--group-by namespace` on one port), check (engine + 1,000 questions),
 * explain (one pod), lint, diff (against the same cluster with 7 more policies), peak RSS.
 * Times are CPU time of this process (steadier than wall time on a shared machine; both kept).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  at,
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
  peakRssMiB: number;
  loadOverParse: number;
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
export function runScaleSize(pods: number, seed: number): ScaleRow {
  warmUp();
  const options = genOptionsForPods(pods, { seed });
  const text = JSON.stringify(generateCluster(options));
  JSON.parse(text);
  const parse = time(() => JSON.parse(text));
  const loaded = mustLoad([{ name: 'generated.json', text }]);
  const analysed = analyse(loaded.value);
  // diff: the same cluster with 7 more policies (a pull request's worth of change).
  const headText = JSON.stringify(generateCluster({ ...options, policies: options.policies + 7 }));
  const head = mustLoad([{ name: 'head.json', text: headText }]);
  const diff = time(() => diffClusters(loaded.value.value.cluster, head.value.value.cluster));
  return {
    name: `generated ${pods.toLocaleString('en-US')}`,
    ...counts(loaded.value),
    inputMiB: Math.round((text.length / 1048576) * 10) / 10,
    parseFloor: { what: 'JSON.parse', wallMs: parse.wallMs, cpuMs: parse.cpuMs },
    load: { wallMs: loaded.wallMs, cpuMs: loaded.cpuMs, issues: loaded.value.issues.length },
    ...analysed,
    diff: {
      wallMs: diff.wallMs,
      cpuMs: diff.cpuMs,
      opened: diff.value.opened.length,
      closed: diff.value.closed.length,
    },
    peakRssMiB: peakRssMiB(),
    loadOverParse: Math.round((loaded.cpuMs / Math.max(1, parse.cpuMs)) * 10) / 10,
  };
}

/**
 * A `kubectl get pods,namespaces,services,networkpolicies -A -o json`-style dump of the
 * generated cluster (about a gigabyte at 150,000 pods: more than one string), written to a
 * temporary file and read back as `netpol -f` reads it, as a stream.
 */
export function runDump(pods: number, seed: number): ScaleRow {
  warmUp();
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
    const buffer = Buffer.allocUnsafe(4 << 20);
    const readAll = (push: (chunk: Uint8Array) => void) => {
      const input = openSync(file, 'r');
      try {
        for (let n = readSync(input, buffer); n > 0; n = readSync(input, buffer)) push(buffer.subarray(0, n));
      } finally {
        closeSync(input);
      }
    };
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
      loadOverParse: Math.round((loaded.cpuMs / Math.max(1, floor.cpuMs)) * 10) / 10,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Growth exponent k in cost ~ pods^k between consecutive generated rows. */
export function scaleGrowth(rows: readonly ScaleRow[]) {
  const generated = rows.filter((r) => r.name.startsWith('generated'));
  const exponent = (pick: (r: ScaleRow) => number | undefined) =>
    generated.slice(1).map((b, i) => {
      const a = at(generated, i);
      const [x, y] = [pick(a), pick(b)];
      return {
        from: a.pods,
        to: b.pods,
        exponent: x && y ? Math.round((Math.log(y / x) / Math.log(b.pods / a.pods)) * 100) / 100 : null,
      };
    });
  return {
    note: 'k in cost ~ pods^k between consecutive generated sizes (CPU time; 1 = linear, 2 = quadratic)',
    parseFloor: exponent((r) => r.parseFloor.cpuMs),
    load: exponent((r) => r.load.cpuMs),
    groupedMatrix: exponent((r) => r.groupedMatrix.cpuMs),
    check: exponent((r) => r.check.cpuMs),
    lint: exponent((r) => r.lint.cpuMs),
    diff: exponent((r) => ('cpuMs' in r.diff ? r.diff.cpuMs : undefined)),
    peakRss: exponent((r) => r.peakRssMiB),
  };
}

export function printScaleTable(rows: readonly ScaleRow[], write: (line: string) => void): void {
  const s = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`);
  const table = [
    [
      'input',
      'MiB',
      'parse floor',
      'load',
      'load/parse',
      'matrix (ns)',
      'check',
      'explain',
      'lint',
      'diff',
      'peak RSS',
    ],
    ...rows.map((r) => [
      r.name,
      String(r.inputMiB),
      s(r.parseFloor.cpuMs),
      s(r.load.cpuMs),
      `${r.loadOverParse}×`,
      s(r.groupedMatrix.cpuMs),
      s(r.check.cpuMs),
      s(r.explain.cpuMs),
      s(r.lint.cpuMs),
      'cpuMs' in r.diff ? s(r.diff.cpuMs) : '—',
      `${r.peakRssMiB} MiB`,
    ]),
  ];
  const widths = first(table).map((_, c) => Math.max(...table.map((row) => at(row, c).length)));
  for (const row of table) write(row.map((cell, c) => cell.padStart(at(widths, c))).join('  '));
}

/**
 * The README's scale table, Markdown, from one run: the rows (CPU seconds), the growth
 * exponents between the generated sizes, and what the machine was doing (load average at
 * the start and end of the scale part, its duration).
 */
export function scaleMarkdown(
  rows: readonly (ScaleRow | { name: string; failed: string })[],
  meta: { date: string; node: string; cpus: number; loadBefore: number[]; loadAfter: number[]; scaleMs: number },
): string {
  const s = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`);
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  const lines = [
    `Measured by \`npm run bench -- --only scale\` on ${meta.date.slice(0, 16).replace('T', ' ')} UTC, Node ${meta.node}, ${meta.cpus} cores; load average ${load(meta.loadBefore)} at the start, ${load(meta.loadAfter)} at the end; the scale part took ${Math.round(meta.scaleMs / 60000)} min. CPU seconds of the process (all its threads), compact JSON.`,
    '',
    '| input | size | parse floor | load | load / parse | matrix (`--group-by namespace`) | check (engine + 1,000) | explain | lint | diff (+7 policies) | peak RSS |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    if ('failed' in r) {
      lines.push(`| ${r.name} | failed: ${r.failed.replaceAll('|', '/')} |||||||||| |`);
      continue;
    }
    const what = `${r.name}: ${r.pods.toLocaleString('en-US')} pods, ${r.workloads.toLocaleString('en-US')} workloads, ${r.policies.toLocaleString('en-US')} policies`;
    const floor =
      r.parseFloor.what === 'JSON.parse' ? s(r.parseFloor.cpuMs) : `${s(r.parseFloor.cpuMs)} (reading the bytes)`;
    lines.push(
      `| ${what} | ${r.inputMiB} MiB | ${floor} | ${s(r.load.cpuMs)} | ${r.loadOverParse}× | ${s(r.groupedMatrix.cpuMs)} | ${s(r.check.cpuMs)} | ${s(r.explain.cpuMs)} | ${s(r.lint.cpuMs)} | ${'cpuMs' in r.diff ? s(r.diff.cpuMs) : '—'} | ${(r.peakRssMiB / 1024).toFixed(2)} GiB |`,
    );
  }
  const growth = scaleGrowth(rows.filter((r): r is ScaleRow => !('failed' in r)));
  if (growth.load.length > 0) {
    lines.push(
      '',
      'Growth exponent k (cost ~ pods^k; 1 = linear, 2 = quadratic) between the generated sizes:',
      '',
      '| pods | parse floor | load | matrix | check | lint | diff | peak RSS |',
      '|---|---|---|---|---|---|---|---|',
    );
    growth.load.forEach((g, i) => {
      const k = (list: { exponent: number | null }[]) => String(list[i]?.exponent ?? '—');
      lines.push(
        `| ${g.from.toLocaleString('en-US')} → ${g.to.toLocaleString('en-US')} | ${k(growth.parseFloor)} | ${k(growth.load)} | ${k(growth.groupedMatrix)} | ${k(growth.check)} | ${k(growth.lint)} | ${k(growth.diff)} | ${k(growth.peakRss)} |`,
      );
    });
  }
  return `${lines.join('\n')}\n`;
}

import {
  checkEndpoints,
  createReferenceEngine,
  formatPath,
  loadCluster,
  loadDocuments,
  parsePortQuery,
  positionOf,
  resolveEndpoint,
} from '@netpol/core';
import { checkReasonLines } from '@netpol/core/format';
import type { InputFile } from '../protocol.js';

/**
 * Learn: a seed example as a tutorial. The learner gets the example's workloads (every file
 * without a NetworkPolicy), writes the policies, and is checked against the example's
 * expect.yaml cases that hold in its final stage (what the tutorial's own answer achieves).
 */

export interface LessonCase {
  from: string;
  to: string;
  port: string;
  allowed: boolean;
  why: string;
}

export interface Lesson {
  id: string;
  description: string;
  /** The example's files without policies: what the learner starts from. */
  given: InputFile[];
  /** The example's policies (the tutorial's answer), as one YAML stream. */
  answer: string;
  cases: LessonCase[];
}

export interface CaseResult extends LessonCase {
  /** undefined: the case could not be asked (an endpoint the answer's objects removed...). */
  actual?: boolean;
  pass: boolean;
  reasons: string[];
}

export interface LessonResult {
  /** Errors in the learner's YAML (`answer.yaml:line:col: message`). */
  errors: string[];
  results: CaseResult[];
  passed: number;
}

const ANSWER = 'answer.yaml';

function stagesOf(expect: InputFile): { apply: string[]; delete: string[]; cases: LessonCase[] }[] {
  const [doc] = loadDocuments(expect).value;
  const stages = (doc?.value.stages ?? []) as Record<string, unknown>[];
  return stages.map((stage) => ({
    apply: ((stage.apply ?? []) as string[]).map(String),
    delete: ((stage.delete ?? []) as string[]).map(String),
    cases: ((stage.cases ?? []) as Record<string, unknown>[]).map((c) => ({
      from: String(c.from),
      to: String(c.to),
      port: String(c.port),
      allowed: c.allowed === true,
      why: typeof c.why === 'string' ? c.why : '',
    })),
  }));
}

/** The lesson of one example directory (`files` named `dir/file.yaml`); undefined without expect.yaml. */
export function buildLesson(id: string, files: readonly InputFile[]): Lesson | undefined {
  const byName = new Map(files.map((f) => [f.name.slice(f.name.lastIndexOf('/') + 1), f]));
  const expect = byName.get('expect.yaml');
  if (!expect) return undefined;
  const stages = stagesOf(expect);
  const applied = new Set<string>();
  for (const stage of stages) {
    for (const f of stage.apply) applied.add(f);
    for (const f of stage.delete) applied.delete(f);
  }
  const final = [...applied].map((f) => byName.get(f)).filter((f): f is InputFile => f !== undefined);
  const hasPolicy = (f: InputFile) =>
    loadDocuments(f).value.some((o) => o.kind === 'NetworkPolicy' || o.kind.endsWith('NetworkPolicy'));
  const given = final.filter((f) => !hasPolicy(f));
  const answer = final
    .filter(hasPolicy)
    .map((f) => f.text.trim())
    .join('\n---\n');
  const [doc] = loadDocuments(expect).value;
  const all = stages.flatMap((s) => s.cases);
  // Keep the cases the tutorial's final answer satisfies (earlier stages' "open by default" go).
  const seen = new Set<string>();
  const cases = all.filter((c) => {
    const key = `${c.from}|${c.to}|${c.port}`;
    if (seen.has(key)) return false;
    const verdict = ask([...given, { name: ANSWER, text: answer }], c);
    if (verdict.actual !== c.allowed) return false;
    seen.add(key);
    return true;
  });
  return {
    id,
    description: typeof doc?.value.description === 'string' ? doc.value.description : id,
    given,
    answer,
    cases,
  };
}

function ask(files: readonly InputFile[], c: LessonCase): { actual?: boolean; reasons: string[] } {
  const loaded = loadCluster(files, { defaultNamespace: 'default' });
  return askIn(loaded.value.cluster, c);
}

function askIn(cluster: Parameters<typeof createReferenceEngine>[0], c: LessonCase) {
  const port = parsePortQuery(c.port);
  const from = resolveEndpoint(cluster, c.from, { defaultNamespace: 'default' });
  const to = resolveEndpoint(cluster, c.to, { defaultNamespace: 'default' });
  if (!port.ok || !from.ok || !to.ok) {
    const message = !port.ok ? port.error.message : !from.ok ? from.error.message : !to.ok ? to.error.message : '';
    return { actual: undefined, reasons: [message] };
  }
  const result = checkEndpoints(createReferenceEngine(cluster), from.value, to.value, port.value);
  if (!result.ok) return { actual: undefined, reasons: [result.error.message] };
  return { actual: result.value.allowed, reasons: checkReasonLines(result.value).map((l) => l.trim()) };
}

/** Check the learner's policies (`answer`) against the lesson's cases. */
export function verifyLesson(lesson: Lesson, answer: string): LessonResult {
  const loaded = loadCluster([...lesson.given, { name: ANSWER, text: answer }], { defaultNamespace: 'default' });
  const source = { name: ANSWER, text: answer };
  const errors = loaded.issues
    .filter((i) => i.severity === 'error')
    .map((i) => {
      const at = i.file === ANSWER && i.range ? positionOf(source, i.range[0]) : undefined;
      const path = formatPath(i.path);
      return `${i.file ?? ''}${at ? `:${at.line}:${at.col}` : ''}: ${path ? `${path}: ` : ''}${i.message}`;
    });
  const results = lesson.cases.map((c) => {
    const { actual, reasons } = askIn(loaded.value.cluster, c);
    return { ...c, actual, pass: actual === c.allowed, reasons };
  });
  return { errors, results, passed: results.filter((r) => r.pass).length };
}

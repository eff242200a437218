import { type CompiledCluster, compileCluster } from '../engine/compile-cluster.js';
import { createReferenceEngine } from '../engine/reference-engine.js';
import type { Engine } from '../engine/types.js';
import type { Issue, Severity } from '../issues.js';
import { describeObject, type LoadedObject } from '../load/loaded-object.js';
import type { EndpointSample } from '../matrix/endpoint-samples.js';
import { listEndpointSamples } from '../matrix/endpoint-samples.js';
import type { ClusterModel, PolicyModel } from '../model/types.js';
import { disabledRulesOf } from './lint-disable.js';
import { peerEndpointIndex } from './peer-endpoints.js';
import { LINT_RULES } from './registry.js';
import { STEP_WORK } from './rule-steps.js';
import type { LintContext, LintReport, LintRule } from './types.js';

export interface LintOptions {
  /** Rule ids to skip (`--disable`). Unknown ids are the caller's usage error. */
  disable?: readonly string[];
  /** Engine factory (default: the reference engine); rules ask it the connectivity questions. */
  createEngine?: (cluster: ClusterModel, compiled?: CompiledCluster) => Engine;
  /** Rules to run (default: all of LINT_RULES). */
  rules?: readonly LintRule[];
  /**
   * Units of work a step of a rule with `steps` does before lintRuleByRule yields (default
   * STEP_WORK: ~10 ms on the 10k-pod generated cluster; Infinity: each rule in one step).
   * The findings are the same whatever it is.
   */
  stepWork?: number;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 2, warning: 1, info: 0 };

/**
 * Run the lint rules over a loaded cluster. Findings are Issues (`code` = rule id) pointing
 * at the offending field's source range, sorted by file, position and rule. Objects can opt
 * out per rule with the netpol.dev/lint-disable annotation.
 */
export function runLint(input: LintInput, options: LintOptions = {}): Issue[] {
  const steps = lintRuleByRule(input, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export type LintInput = { cluster: ClusterModel; objects?: readonly LoadedObject[] };

/**
 * runLint a step at a time, for a caller that must answer other requests meanwhile (the web
 * worker: an edit must not wait behind seconds of lint). Each `next()` runs one step: the
 * shared context first (yields `''`), then one rule (yields its id; disabled rules are not a
 * step), or one bounded step of a rule that has `steps` (yields its id each time); the return
 * value is runLint's findings, in its order. Abandoning it midway is safe.
 */
export function* lintRuleByRule(input: LintInput, options: LintOptions = {}): Generator<string, Issue[], void> {
  const createEngine = options.createEngine ?? createReferenceEngine;
  const endpoints = listEndpointSamples(input.cluster);
  const compiled = compileCluster(input.cluster);
  const byNamespace = new Map<string, EndpointSample[]>();
  for (const e of endpoints) {
    const list = byNamespace.get(e.namespace);
    if (list) list.push(e);
    else byNamespace.set(e.namespace, [e]);
  }
  const endpointsIn = (namespace: string) => byNamespace.get(namespace) ?? [];
  const selected = new Map<PolicyModel, readonly EndpointSample[]>();
  const ctx: LintContext = {
    cluster: input.cluster,
    compiled,
    engine: createEngine(input.cluster, compiled),
    createEngine,
    endpoints,
    endpointsIn,
    selectedBy(policy) {
      let list = selected.get(policy);
      if (!list) {
        list = endpointsIn(policy.namespace).filter((e) => compiled.selects(policy, e.pod));
        selected.set(policy, list);
      }
      return list;
    },
    peerEndpoints: peerEndpointIndex(compiled, endpoints, endpointsIn),
    hasPods: endpoints.length > 0,
    objects: input.objects ?? [],
    ruleIds: (options.rules ?? LINT_RULES).map((r) => r.id),
    stepWork: options.stepWork ?? STEP_WORK,
  };
  yield '';
  const disabled = new Set(options.disable ?? []);
  const findings: Issue[] = [];
  for (const rule of options.rules ?? LINT_RULES) {
    if (disabled.has(rule.id)) continue;
    const report = (f: LintReport) => {
      if (optedOut(f.object, rule.id)) return;
      findings.push({
        code: rule.id,
        severity: f.severity ?? rule.severity,
        path: f.path,
        message: f.message,
        file: f.object.source.name,
        range: f.object.locate(f.path),
        object: describeObject(f.object),
      });
    };
    if (rule.steps) {
      const steps = rule.steps(ctx, report);
      while (!steps.next().done) yield rule.id;
    } else rule.check(ctx, report);
    yield rule.id;
  }
  const order = new Map<string, number>((options.rules ?? LINT_RULES).map((r, i) => [r.id, i]));
  return findings.sort(
    (a, b) =>
      cmp(a.file ?? '', b.file ?? '') ||
      (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0) ||
      (order.get(a.code) ?? 0) - (order.get(b.code) ?? 0) ||
      cmp(a.message, b.message),
  );
}

function optedOut(object: LoadedObject, id: string): boolean {
  const ids = disabledRulesOf(object);
  return ids.includes(id) || ids.includes('all') || ids.includes('*');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

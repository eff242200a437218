import type { CompiledCluster } from '../engine/compile-cluster.js';
import type { Engine } from '../engine/types.js';
import type { LintRuleId } from '../issue-codes.js';
import type { FieldPath, Severity } from '../issues.js';
import type { LoadedObject } from '../load/loaded-object.js';
import type { EndpointSample } from '../matrix/endpoint-samples.js';
import type { ClusterModel, PeerModel, PolicyModel } from '../model/types.js';

/**
 * What every rule sees: the model, its compiled form (the only judge of what a selector,
 * peer, port or address matches), an engine over it, the endpoints as `matrix` lists them.
 */
export interface LintContext {
  cluster: ClusterModel;
  compiled: CompiledCluster;
  engine: Engine;
  /** Builds an engine over another cluster (rules that add hypothetical pods use it). */
  createEngine: (cluster: ClusterModel, compiled?: CompiledCluster) => Engine;
  /** Bare pods and each workload once (its first replica), sorted. */
  endpoints: readonly EndpointSample[];
  /** The endpoints of one namespace. */
  endpointsIn(namespace: string): readonly EndpointSample[];
  /** The endpoints a policy selects (whatever its policyTypes). */
  selectedBy(policy: PolicyModel): readonly EndpointSample[];
  /**
   * The endpoints a peer of a policy matches, in endpoint order (looked up by namespace,
   * and per distinct ipBlock: a rule over every peer of 30,000 policies stays linear).
   */
  peerEndpoints(policy: PolicyModel, peer: PeerModel): readonly EndpointSample[];
  /** The input has at least one pod or workload (else "selects nothing" means nothing). */
  hasPods: boolean;
  /** Every loaded object (valid ones; duplicates kept), for rules about objects, not the model. */
  objects: readonly LoadedObject[];
  /** Ids of the registered rules (for rules about the lint configuration itself). */
  ruleIds: readonly string[];
  /** Units of work a rule's step does before it yields (`rule-steps.ts`; Infinity: one step a rule). */
  stepWork: number;
}

export interface LintReport {
  object: LoadedObject;
  /** Field path inside the object: the finding points at this field's line. */
  path: FieldPath;
  message: string;
  /** Defaults to the rule's severity. */
  severity?: Severity;
}

export interface LintRule {
  /** Stable id (never renamed): `--disable`, annotations, SARIF and JSON name rules by it. */
  id: LintRuleId;
  /** The highest severity the rule reports (some findings are downgraded, e.g. to info). */
  severity: Severity;
  /** One line: what the rule finds. */
  summary: string;
  /** Why it matters and how to fix it (SARIF help text, `netpol lint --rules`). */
  help: string;
  check(ctx: LintContext, report: (finding: LintReport) => void): void;
  /**
   * check() in steps of bounded work, for a rule that takes long on a large cluster: the same
   * reports in the same order, and lintRuleByRule yields between steps (an edit in the web
   * worker then waits for one step, not the whole rule).
   */
  steps?(ctx: LintContext, report: (finding: LintReport) => void): Generator<void, void, void>;
}

export type { FieldPath, Issue, Range, Result, Severity } from './issues.js';
export { formatPath, hasErrors, prefixIssues } from './issues.js';
export { loadDocuments } from './load/load-documents.js';
export type { LoadedObject } from './load/loaded-object.js';
export { describeObject, objectMeta } from './load/loaded-object.js';
export type { Position, SourceFile } from './load/source.js';
export { positionOf } from './load/source.js';
export type { LoadedCluster } from './load-cluster.js';
export { loadCluster } from './load-cluster.js';
export type { BuildOptions } from './model/build-cluster.js';
export {
  buildCluster,
  compareNsName,
  DEFAULT_POD_CIDR,
  DEFAULT_SERVICE_CIDR,
  isWorkloadKind,
  NAMESPACE_NAME_LABEL,
  SUPPORTED_KINDS,
} from './model/build-cluster.js';
export type { Cidr, IpAddress, IpFamily } from './model/cidr.js';
export {
  cidrContainsCidr,
  cidrContainsIp,
  formatCidr,
  formatIp,
  parseCidr,
  parseIp,
} from './model/cidr.js';
export type { LabelMatcher } from './model/selector.js';
export { compileSelector, formatSelector, isEmptySelector, matchesSelector } from './model/selector.js';
export type * from './model/types.js';
export { PROTOCOLS } from './model/types.js';
export { validateObject } from './validate/validate-object.js';
export type * from './engine/types.js';
export { naiveAllowed } from './engine/naive-evaluator.js';

// lint and diff (branch lintdiff)
export type { ClusterDiff, ConnectionChange, DiffOptions } from './diff/diff-clusters.js';
export { diffClusters, diffPolicies } from './diff/diff-clusters.js';
export type { EndpointSample } from './diff/endpoints.js';
export { listEndpointSamples } from './diff/endpoints.js';
export type { ExternalEndpoint } from './diff/external-endpoints.js';
export { externalEndpoints } from './diff/external-endpoints.js';
export { createInterimEngine } from './diff/interim-engine.js';
export type { PortSpan } from './diff/port-partition.js';
export { describeSpans, mergeSpans, partitionPorts, spansToJson } from './diff/port-partition.js';
export { canonicalPolicy } from './lint/canonical.js';
export { findLintRule, LINT_RULES } from './lint/registry.js';
export type { LintOptions } from './lint/run-lint.js';
export { disabledRulesOf, LINT_DISABLE_ANNOTATION, runLint, SEVERITY_RANK } from './lint/run-lint.js';
export type { LintContext, LintReport, LintRule } from './lint/types.js';

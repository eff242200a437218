// lint and diff (branch lintdiff)

export { NAMESPACE_NAME_LABEL } from './constants.js';
export type { Keep } from './decode/stream-keep.js';
export { keepForKind, pruneToKeep } from './decode/stream-keep.js';
export type { ClusterDiff, ConnectionChange, EndpointChange } from './diff/diff-clusters.js';
export { diffClusters, diffPolicies } from './diff/diff-clusters.js';
export { diffVersions, sharedPodRanges } from './diff/diff-versions.js';
export type { ExternalEndpoint } from './diff/external-endpoints.js';
export { externalEndpoints } from './diff/external-endpoints.js';
export type { PortSpan } from './diff/port-partition.js';
export { mergeSpans, partitionPorts, spansToJson } from './diff/port-partition.js';
export type {
  EndpointCheck,
  EndpointCheckReason,
  PairCheck,
  ServicePortUnknown,
} from './endpoints/check-endpoints.js';
export { checkEndpoints, formatServicePort } from './endpoints/check-endpoints.js';
// --- shared helpers folded by review (area: qa) ---
export { closestNames, editDistance } from './endpoints/closest-names.js';
export { resourceNameOfKind } from './endpoints/kubectl-resource-names.js';
export type { PortQueryError } from './endpoints/parse-port-query.js';
export { formatPortQuery, parsePortQuery } from './endpoints/parse-port-query.js';
export type {
  Endpoint,
  EndpointError,
  EndpointErrorCode,
  ResolveOptions,
} from './endpoints/resolve-endpoint.js';
export { resolveEndpoint, serviceBackends, serviceDnsName } from './endpoints/resolve-endpoint.js';
// engine (reference engine, endpoints, explain)
export type {
  AdminPeerTest,
  AdminTiers,
  CompiledAdminPeer,
  CompiledAdminPolicy,
  CompiledAdminRule,
  TierOutcome,
  TierQuery,
} from './engine/admin-tiers.js';
export { adminPeerMatches, consultSelectedTier, selectionHolds } from './engine/admin-tiers.js';
export type { CompiledCluster, PeerPod } from './engine/compile-cluster.js';
export { compileCluster } from './engine/compile-cluster.js';
export type { CompiledPeer, CompiledPolicy, CompiledRule, PeerFacts, PodFacts } from './engine/compile-policy.js';
export { compilePolicy } from './engine/compile-policy.js';
export { peerScopesNamespace } from './engine/match-peer.js';
export { naiveAllowed } from './engine/naive-evaluator.js';
export { podAddress } from './engine/pod-address.js';
export { createReferenceEngine } from './engine/reference-engine.js';
export { serviceSelectsPod } from './engine/service-selects-pod.js';
export type * from './engine/types.js';
export type { AdminPolicyExplanation, AdminRuleExplanation } from './explain/explain-admin.js';
export { adminPoliciesOfPod, explainAdminPolicy } from './explain/explain-admin.js';
export type { PodDirectionExplanation, PodExplanation, PodRuleExplanation } from './explain/explain-pod.js';
export { explainPod } from './explain/explain-pod.js';
export type { PolicyDirectionExplanation, PolicyExplanation, RuleExplanation } from './explain/explain-policy.js';
export { explainPolicy, explainRule, rulePods } from './explain/explain-policy.js';
export type { PeerRuleExplanation, PodTraffic, PodTrafficSide } from './explain/pod-traffic.js';
export { explainPodTraffic } from './explain/pod-traffic.js';
export { adminPolicyName, describeAdminRef } from './format/admin-words.js';
export type { CheckJson } from './format/check-report.js';
export { checkHeadline, checkReasonLines, checkToJson, citeField, formatCheck } from './format/check-report.js';
export type { DiffFormat } from './format/diff-report.js';
export { diffToJson, diffToMarkdown, diffToTable, hasChanges, renderDiff } from './format/diff-report.js';
export type { GroupedMatrixFormat } from './format/grouped-matrix-format.js';
export { GROUPED_MATRIX_FORMATS, groupCellText, groupedMatrixChunks } from './format/grouped-matrix-format.js';
export type { TableOptions, TableStyle } from './format/matrix-table.js';
export type { Write } from './format/matrix-writer.js';
export { renderToString } from './format/matrix-writer.js';
export type { MatrixFormat } from './format/render-matrix.js';
export {
  isStreamedMatrixFormat,
  MATRIX_FORMATS,
  MAX_DRAWN_MATRIX_CELLS,
  matrixChunks,
  renderMatrix,
} from './format/render-matrix.js';
export {
  containerPortWords,
  ipBlockWords,
  listSome,
  namespacesWords,
  peersWords,
  peerWord,
  peerWords,
  plural,
  podListWords,
  podsWords,
  portQueryWords,
  portSpansWords,
  portsWords,
  portWords,
  ruleMatchWords,
  ruleWords,
  selectorWords,
} from './format/words.js';
export type { GenOptions } from './gen/generate-cluster.js';
export { GEN_DEFAULTS, generateCluster, genOptionsForPods } from './gen/generate-cluster.js';
export { podDumpChunks } from './gen/generate-pod-dump.js';
export { renderGenerated } from './gen/render-generated.js';
// validate: API-server-exact validation (decode check, per-kind rules, the API server's wording)
export type { IssueCode, LintRuleId, ValidationCode } from './issue-codes.js';
export type { Collected, FieldPath, Issue, Outcome, Problem, Range, Severity } from './issues.js';
export { formatPath, hasErrors, prefixIssues } from './issues.js';
export { disabledRulesOf, LINT_DISABLE_ANNOTATION } from './lint/lint-disable.js';
export { findLintRule, LINT_RULES } from './lint/registry.js';
export type { LintOptions } from './lint/run-lint.js';
export { runLint, SEVERITY_RANK } from './lint/run-lint.js';
export type { LintContext, LintReport, LintRule } from './lint/types.js';
export { loadDocuments } from './load/load-documents.js';
export type { LoadedObject } from './load/loaded-object.js';
export { describeObject, objectMeta } from './load/loaded-object.js';
export type { JsonStreamReader, StreamedSource } from './load/read-json-stream.js';
export { createJsonStreamReader, isStreamedSource } from './load/read-json-stream.js';
export { createYamlStreamReader } from './load/read-yaml-stream.js';
export type { Position, SourceFile } from './load/source.js';
export { positionOf } from './load/source.js';
export type { LoadedCluster, LoadOptions } from './load-cluster.js';
export { loadCluster } from './load-cluster.js';
// --- fast matrix engine, matrix formats, cluster generator (area: fast) ---
export type { Bitset } from './matrix/bitset.js';
export type { MatrixClasses, MatrixOptions, MatrixResult, MatrixStats } from './matrix/compute-matrix.js';
export { computeMatrix } from './matrix/compute-matrix.js';
export { defaultMatrixPorts } from './matrix/default-ports.js';
export type { EndpointSample } from './matrix/endpoint-samples.js';
export { listEndpointSamples } from './matrix/endpoint-samples.js';
export type { GroupedMatrix, GroupVerdict } from './matrix/group-by-namespace.js';
export { groupByNamespace, groupVerdict } from './matrix/group-by-namespace.js';
export type { EndpointOptions, ExternalInvalid, MatrixEndpoint } from './matrix/matrix-endpoints.js';
export { cellPeers, endpointPeer, listMatrixEndpoints } from './matrix/matrix-endpoints.js';
export type { MatrixJson } from './matrix/matrix-json.js';
export { matrixPortLabel, matrixToJson } from './matrix/matrix-json.js';
export { addressRangesProblem } from './model/address-allocator.js';
export type * from './model/admin-types.js';
export { isAdminPolicyKind } from './model/admin-types.js';
export type { BuildOptions } from './model/build-cluster.js';
export { buildCluster } from './model/build-cluster.js';
export { canonicalPolicy } from './model/canonical.js';
export type { Cidr, IpAddress, IpFamily } from './model/cidr.js';
export {
  cidrContainsCidr,
  cidrContainsIp,
  formatCidr,
  formatIp,
  parseCidr,
  parseIp,
} from './model/cidr.js';
export { compareNsName } from './model/compare-ns-name.js';
export { isWorkloadKind, MAX_WORKLOAD_REPLICAS, SUPPORTED_KINDS } from './model/kinds.js';
export type { SourceLocation } from './model/origin-location.js';
export { originLocation } from './model/origin-location.js';
export { DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR, LARGE_POD_CIDR } from './model/pod-ranges.js';
export type { LabelMatcher } from './model/selector.js';
export { compileSelector, formatSelector, isEmptySelector, matchesSelector } from './model/selector.js';
export { parseCidrSloppy } from './model/sloppy-cidr.js';
export type * from './model/types.js';
export { PROTOCOLS } from './model/types.js';
// symbolic endpoints: every pod that could exist, in classes (policy-only analysis)
export type { AddressClass, IpBlockAtom } from './symbolic/address-space.js';
export type { SymbolicCheck, SymbolicPair } from './symbolic/check-symbolic.js';
export { checkSymbolic } from './symbolic/check-symbolic.js';
export type { SymbolicDiff, WitnessDescription } from './symbolic/diff-symbolic.js';
export { describeWitness, diffSymbolic } from './symbolic/diff-symbolic.js';
export type { PodAtom, PortNameAtom, SymbolicAtoms } from './symbolic/pod-atoms.js';
export { mergeAtoms, namespaceNamed, policyAtoms } from './symbolic/pod-atoms.js';
export { formatSymbolicCheck, symbolicCheckToJson } from './symbolic/symbolic-check-report.js';
export type { SymbolicEndpoint, SymbolicEndpointError } from './symbolic/symbolic-endpoint.js';
export { isSymbolicEndpoint, parseSelector, parseSymbolicEndpoint } from './symbolic/symbolic-endpoint.js';
export type { SymbolicMatrix, SymbolicMatrixOptions } from './symbolic/symbolic-matrix.js';
export { symbolicMatrix } from './symbolic/symbolic-matrix.js';
export type {
  PossiblePod,
  SymbolicClass,
  SymbolicOptions,
  SymbolicSpace,
  Witness,
} from './symbolic/symbolic-space.js';
export { computeSymbolicSpace } from './symbolic/symbolic-space.js';
export { validateLabelSelector } from './validate/validate-label-selector.js';
export { validateNetworkPolicy } from './validate/validate-network-policy.js';
export { API_VERSIONS, validateObject } from './validate/validate-object.js';

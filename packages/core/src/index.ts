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
// engine (reference engine, endpoints, explain)
export type { CompiledPeer, CompiledPolicy, CompiledRule, PeerFacts } from './engine/compile-policy.js';
export { compilePolicy } from './engine/compile-policy.js';
export { createReferenceEngine } from './engine/reference-engine.js';
export type { EndpointCheck, EndpointCheckReason, EndpointCheckResult, PairCheck } from './endpoints/check-endpoints.js';
export { checkEndpoints, formatServicePort } from './endpoints/check-endpoints.js';
export { closestNames } from './endpoints/closest-names.js';
export type { PortQueryResult } from './endpoints/parse-port-query.js';
export { formatPortQuery, parsePortQuery } from './endpoints/parse-port-query.js';
export type { Endpoint, EndpointError, EndpointErrorCode, EndpointResult, ResolveOptions } from './endpoints/resolve-endpoint.js';
export { resolveEndpoint, serviceBackends, serviceDnsName } from './endpoints/resolve-endpoint.js';
export {
  describeNamespaces,
  describePeer,
  describePeers,
  describePods,
  describePort,
  describePorts,
  describeRule,
  peerWord,
} from './explain/describe-rule.js';
export type { PodDirectionExplanation, PodExplanation, PodRuleExplanation } from './explain/explain-pod.js';
export { explainPod } from './explain/explain-pod.js';
export type { PolicyDirectionExplanation, PolicyExplanation, RuleExplanation } from './explain/explain-policy.js';
export { explainPolicy, explainRule, rulePods } from './explain/explain-policy.js';

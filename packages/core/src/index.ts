export { naiveAllowed } from './engine/naive-evaluator.js';
export type * from './engine/types.js';
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
  MAX_WORKLOAD_REPLICAS,
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

// validate: API-server-exact validation (decode check, per-kind rules, the API server's wording)
export type { ValidationCode } from './validate/messages.js';
export { parseCidrSloppy } from './validate/sloppy-cidr.js';
export { validateLabelSelector } from './validate/validate-label-selector.js';
export { validateNetworkPolicy } from './validate/validate-network-policy.js';
export { API_VERSIONS, validateObject } from './validate/validate-object.js';

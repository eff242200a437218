/**
 * @netpol/core: read manifests into a model and judge connections on it. The analyses and
 * outputs are entry points of their own (README "Entry points"): `@netpol/core/matrix`,
 * `/explain`, `/diff`, `/lint`, `/symbolic`, `/format`, `/gen`. Each exports only what a
 * caller imports (scripts/check-exports.mjs).
 */

export { at, atLeast, first } from './at.js';
export { NAMESPACE_NAME_LABEL } from './constants.js';
export { keepForKind, pruneToKeep } from './decode/stream-keep.js';
export { checkEndpoints } from './endpoints/check-endpoints.js';
export { closestNames, editDistance } from './endpoints/closest-names.js';
export { resourceNameOfKind } from './endpoints/kubectl-resource-names.js';
export { formatPortQuery, parsePortQuery } from './endpoints/parse-port-query.js';
export type { Endpoint, EndpointError } from './endpoints/resolve-endpoint.js';
export { resolveEndpoint } from './endpoints/resolve-endpoint.js';
export type { AdminPeerTest, CompiledAdminPeer, CompiledAdminPolicy } from './engine/admin-tiers.js';
export {
  adminPeerMatches,
  consultSelectedTier,
  domainNameMatches,
  selectionHolds,
} from './engine/admin-tiers.js';
export type { CompiledCluster } from './engine/compile-cluster.js';
export { compileCluster } from './engine/compile-cluster.js';
export { peerScopesNamespace } from './engine/match-peer.js';
export { naiveAllowed } from './engine/naive-evaluator.js';
export { podAddress } from './engine/pod-address.js';
export { createReferenceEngine } from './engine/reference-engine.js';
export type { Peer, PortQuery } from './engine/types.js';
export type { Issue, Severity } from './issues.js';
export { formatPath, hasErrors } from './issues.js';
export { commonPrefix, commonSuffix } from './load/common-span.js';
export { loadDocuments } from './load/load-documents.js';
export type { LoadedObject } from './load/loaded-object.js';
export { isNamespaced, objectMeta } from './load/loaded-object.js';
export { createJsonStreamReader, isStreamedSource } from './load/read-json-stream.js';
export { createYamlStreamReader } from './load/read-yaml-stream.js';
export type { SourceFile } from './load/source.js';
export { positionOf } from './load/source.js';
export type { LoadCache, LoadedCluster, LoadOptions } from './load-cluster.js';
export { createLoadCache, loadCluster } from './load-cluster.js';
export { addressRangesProblem } from './model/address-allocator.js';
export type { AdminPolicyKind, AdminPolicyModel } from './model/admin-types.js';
export type { BuildOptions } from './model/build-cluster.js';
export { unmovedModel } from './model/build-cluster.js';
export type { Cidr } from './model/cidr.js';
export { cidrContainsIp, formatIp, parseCidr, parseIp } from './model/cidr.js';
export { SUPPORTED_KINDS } from './model/kinds.js';
export type { Direction, Labels, Protocol } from './model/model-primitives.js';
export type { SourceLocation } from './model/origin-location.js';
export { originLocation } from './model/origin-location.js';
export type { LabelMatcher } from './model/selector.js';
export { compileSelector, matchesSelector } from './model/selector.js';
export type {
  ClusterModel,
  ContainerPortModel,
  PodModel,
  PolicyModel,
  PortModel,
  ServiceModel,
  WorkloadModel,
} from './model/types.js';
export { checkName } from './validate/name-checks.js';

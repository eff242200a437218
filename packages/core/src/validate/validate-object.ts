import { decodeObject, isUnder } from '../decode/decode.js';
import { isKindName, SCHEMAS } from '../decode/schema.js';
import type { Issue } from '../issues.js';
import type { DecodedObject } from '../load/decoded-object.js';
import type { LoadedObject } from '../load/loaded-object.js';
import { type Obj, obj } from '../model/read-fields.js';
import { nameIsDNSLabel } from './formats.js';
import { notSupported, required } from './messages.js';
import { isAdminPolicyKind, validateAdminPolicy } from './validate-admin-policy.js';
import { validateLabelSelector } from './validate-label-selector.js';
import { validateObjectMeta } from './validate-meta.js';
import { validateNetworkPolicy } from './validate-network-policy.js';
import { validateNode } from './validate-node.js';
import { validatePod } from './validate-pod-spec.js';
import { validateService } from './validate-service.js';
import { validateWorkload } from './validate-workload.js';

/** The apiVersions the API server serves for each kind netpol reads (removed betas refused). */
export const API_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  Namespace: ['v1'],
  Pod: ['v1'],
  Service: ['v1'],
  ReplicationController: ['v1'],
  Deployment: ['apps/v1'],
  ReplicaSet: ['apps/v1'],
  StatefulSet: ['apps/v1'],
  DaemonSet: ['apps/v1'],
  Job: ['batch/v1'],
  CronJob: ['batch/v1'],
  NetworkPolicy: ['networking.k8s.io/v1'],
  Node: ['v1'],
  ClusterNetworkPolicy: ['policy.networking.k8s.io/v1alpha2'],
  AdminNetworkPolicy: ['policy.networking.k8s.io/v1alpha1'],
  BaselineAdminNetworkPolicy: ['policy.networking.k8s.io/v1alpha1'],
};

/** API groups each kind has been served from (removed versions included: those are errors). */
const API_GROUPS: Readonly<Record<string, readonly string[]>> = {
  Namespace: [''],
  Pod: [''],
  Service: [''],
  ReplicationController: [''],
  Deployment: ['apps', 'extensions'],
  ReplicaSet: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  DaemonSet: ['apps', 'extensions'],
  Job: ['batch'],
  CronJob: ['batch'],
  NetworkPolicy: ['networking.k8s.io', 'extensions'],
  Node: [''],
  ClusterNetworkPolicy: ['policy.networking.k8s.io'],
  AdminNetworkPolicy: ['policy.networking.k8s.io'],
  BaselineAdminNetworkPolicy: ['policy.networking.k8s.io'],
};

/**
 * Whether `apiVersion` names another API group than any that ever served `kind`: a CRD that
 * shares the name (Calico's `projectcalico.org/v3` NetworkPolicy), not a Kubernetes object.
 */
export function isForeignGroup(kind: string, apiVersion: string): boolean {
  const groups = API_GROUPS[kind];
  if (!groups || apiVersion === '') return false;
  // The group is what comes before the last `/` ('' without one); compared in place (no slice per object).
  const slash = apiVersion.lastIndexOf('/');
  for (const group of groups) {
    if (slash < 0 ? group === '' : group.length === slash && apiVersion.startsWith(group)) return false;
  }
  return true;
}

const VALIDATORS: Readonly<Record<string, (object: Obj) => Issue[]>> = {
  NetworkPolicy: validateNetworkPolicy,
  Pod: validatePod,
  Service: validateService,
  Node: validateNode,
  Namespace: (ns) => validateObjectMeta(obj(ns.metadata), { namespaced: false, nameRule: nameIsDNSLabel }),
};

/**
 * Validate one loaded object as the API server would on create, returning issues with paths
 * relative to the object (no file/range: the pipeline attaches those). Never throws on user
 * input. First the decode check (wrong JSON types, at their exact paths, as the API server's
 * decode error), then the per-kind rules on the decoded value; a rule's finding at or under a
 * mistyped field is dropped, since it only restates the decode error.
 */
export function validateObject(object: LoadedObject): Issue[] {
  return decodeAndValidate(object).issues;
}

/**
 * The same, also returning the decoded object (its kind's static type, mistyped values
 * replaced by their Go zero value) that the model is built from; undefined for a kind netpol
 * does not read.
 */
export function decodeAndValidate(object: LoadedObject): { issues: Issue[]; decoded?: DecodedObject } {
  const kind = object.kind;
  const custom = isAdminPolicyKind(kind);
  if (!isKindName(kind) && !custom) return { issues: [] };
  const issues: Issue[] = [];
  const versions = API_VERSIONS[kind];
  // kubectl refuses to decode an object without apiVersion (List items inherit a typed list's).
  if (object.apiVersion === '') {
    issues.push(required(['apiVersion'], "Object 'apiVersion' is missing"));
  } else if (versions && !versions.includes(object.apiVersion)) {
    issues.push(notSupported(['apiVersion'], object.apiVersion, versions));
  }
  // Custom resources are checked against their CRD's OpenAPI schema, not decoded into Go types.
  if (custom) {
    issues.push(...validateAdminPolicy(kind, object.value));
    // The model treats a selector metav1.LabelSelectorAsSelector refuses as matching nothing.
    const usableSelector = (selector: unknown) => validateLabelSelector(obj(selector), []).length === 0;
    return { issues, decoded: { kind, object, value: object.value, usableSelector } };
  }
  if (!isKindName(kind)) return { issues };
  const decoded = decodeObject(object.value, SCHEMAS[kind]);
  issues.push(...decoded.issues);
  const validator = VALIDATORS[kind];
  const value = decoded.value as Obj;
  for (const found of validator ? validator(value) : validateWorkload(kind, value)) {
    if (!decoded.issues.some((typeIssue) => isUnder(found.path, typeIssue.path))) issues.push(found);
  }
  // `SCHEMAS[kind]` decoded it: the value has `kind`'s type (TypeScript cannot pair the two).
  return { issues, decoded: { kind, object, value: decoded.value } as DecodedObject };
}

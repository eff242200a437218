import { decodeObject } from '../decode/decode.js';
import { OBJECT_META } from '../decode/schema.js';
import type { FieldPath, Issue } from '../issues.js';
import type { AdminPolicyKind } from '../model/admin-types.js';
import { arr, isObj, type Obj, obj } from '../model/read-fields.js';
import {
  ADMIN_NETWORK_POLICY_SCHEMA,
  BASELINE_ADMIN_NETWORK_POLICY_SCHEMA,
  CLUSTER_NETWORK_POLICY_SCHEMA,
} from './admin-schemas.js';
import { type CrdSchema, validateCustomResource } from './crd-schema.js';
import { nameIsDNSSubdomain } from './formats.js';
import { warning } from './messages.js';
import { validateLabelSelector } from './validate-label-selector.js';
import { validateObjectMeta } from './validate-meta.js';

/** The cluster-scoped kinds of policy.networking.k8s.io netpol reads, and their schemas. */
export const ADMIN_POLICY_SCHEMAS: Readonly<Record<AdminPolicyKind, CrdSchema>> = {
  ClusterNetworkPolicy: CLUSTER_NETWORK_POLICY_SCHEMA,
  AdminNetworkPolicy: ADMIN_NETWORK_POLICY_SCHEMA,
  BaselineAdminNetworkPolicy: BASELINE_ADMIN_NETWORK_POLICY_SCHEMA,
};

export { isAdminPolicyKind } from '../model/admin-types.js';

/**
 * Validate a ClusterNetworkPolicy / AdminNetworkPolicy / BaselineAdminNetworkPolicy as the
 * API server does with their CRDs installed: object meta (customresource strategy:
 * ValidateObjectMetaAccessor with NameIsDNSSubdomain; a namespace on a cluster-scoped object
 * is cleared, not refused), the OpenAPI schema, then the CEL rules.
 *
 * One addition, as warnings: the CRDs leave label selectors unchecked (any operator, any
 * key), but implementations convert them with metav1.LabelSelectorAsSelector, which fails
 * on what ValidateLabelSelector refuses; netpol then treats that selector as matching
 * nothing and says so here.
 */
export function validateAdminPolicy(kind: AdminPolicyKind, value: Obj): Issue[] {
  const schema = ADMIN_POLICY_SCHEMAS[kind];
  const meta = decodeObject(obj(value.metadata), OBJECT_META);
  const issues: Issue[] = meta.issues.map((issue) => ({ ...issue, path: ['metadata', ...issue.path] }));
  const { namespace: _ignored, ...clusterMeta } = obj(meta.value);
  issues.push(...validateObjectMeta(clusterMeta, { namespaced: false, nameRule: nameIsDNSSubdomain }));
  const found = validateCustomResource(value, schema);
  issues.push(...found);
  if (!found.some((issue) => issue.severity === 'error')) issues.push(...selectorWarnings(obj(value.spec)));
  return issues;
}

const UNUSABLE_SELECTOR =
  'the CRD accepts this selector but implementations cannot convert it (metav1.LabelSelectorAsSelector fails); netpol treats it as matching nothing';

function selectorWarnings(spec: Obj): Issue[] {
  const issues: Issue[] = [];
  const check = (selector: unknown, path: FieldPath) => {
    const found = validateLabelSelector(selector, path);
    const [firstProblem] = found;
    if (firstProblem) issues.push(warning(path, `${UNUSABLE_SELECTOR}: ${firstProblem.message}`));
  };
  const checkPeer = (peer: unknown, path: FieldPath) => {
    if (!isObj(peer)) return;
    check(peer.namespaces, [...path, 'namespaces']);
    check(peer.nodes, [...path, 'nodes']);
    if (isObj(peer.pods)) {
      check(peer.pods.namespaceSelector, [...path, 'pods', 'namespaceSelector']);
      check(peer.pods.podSelector, [...path, 'pods', 'podSelector']);
    }
  };
  checkPeer(spec.subject, ['spec', 'subject']);
  for (const [key, peersKey] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    arr(spec[key]).forEach((rule, i) => {
      arr(obj(rule)[peersKey]).forEach((peer, j) => {
        checkPeer(peer, ['spec', key, i, peersKey, j]);
      });
    });
  }
  return issues;
}

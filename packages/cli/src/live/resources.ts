/** One kind netpol lists from an API server. */
export interface LiveResource {
  kind: string;
  apiVersion: string;
  /** Lower-case plural, as in the URL and in `kubectl auth can-i list <plural>`. */
  plural: string;
  namespaced: boolean;
  /**
   * What is lost when the server refuses to list it (403): netpol goes on with this note
   * instead of failing (the admin tier kinds and Node, which namespace users often cannot list).
   */
  forbiddenNote?: string;
}

const ADMIN_FORBIDDEN = 'verdicts ignore the admin tiers, which may be wrong';

/** Every kind the model reads, in the order their lists become sources. */
export const LIVE_RESOURCES: readonly LiveResource[] = [
  { kind: 'Namespace', apiVersion: 'v1', plural: 'namespaces', namespaced: false },
  { kind: 'Pod', apiVersion: 'v1', plural: 'pods', namespaced: true },
  { kind: 'Deployment', apiVersion: 'apps/v1', plural: 'deployments', namespaced: true },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', plural: 'replicasets', namespaced: true },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', plural: 'statefulsets', namespaced: true },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', plural: 'daemonsets', namespaced: true },
  { kind: 'Job', apiVersion: 'batch/v1', plural: 'jobs', namespaced: true },
  { kind: 'CronJob', apiVersion: 'batch/v1', plural: 'cronjobs', namespaced: true },
  { kind: 'ReplicationController', apiVersion: 'v1', plural: 'replicationcontrollers', namespaced: true },
  { kind: 'Service', apiVersion: 'v1', plural: 'services', namespaced: true },
  { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', plural: 'networkpolicies', namespaced: true },
  // policy.networking.k8s.io (docs/admin-tiers.md): a 404 means the CRD is not installed.
  {
    kind: 'ClusterNetworkPolicy',
    apiVersion: 'policy.networking.k8s.io/v1alpha2',
    plural: 'clusternetworkpolicies',
    namespaced: false,
    forbiddenNote: ADMIN_FORBIDDEN,
  },
  {
    kind: 'AdminNetworkPolicy',
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    plural: 'adminnetworkpolicies',
    namespaced: false,
    forbiddenNote: ADMIN_FORBIDDEN,
  },
  {
    kind: 'BaselineAdminNetworkPolicy',
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    plural: 'baselineadminnetworkpolicies',
    namespaced: false,
    forbiddenNote: ADMIN_FORBIDDEN,
  },
  {
    kind: 'Node',
    apiVersion: 'v1',
    plural: 'nodes',
    namespaced: false,
    forbiddenNote: "admin policies' nodes peers match no node address",
  },
];

/**
 * Other engines' policy kinds. netpol does not evaluate them, but where a cluster has some,
 * its connectivity is not only what the NetworkPolicies say: a live read counts them (a kind
 * not installed answers 404, and is no news) and warns. Listed at their storage versions.
 */
export const FOREIGN_POLICY_RESOURCES: readonly LiveResource[] = [
  { kind: 'CiliumNetworkPolicy', apiVersion: 'cilium.io/v2', plural: 'ciliumnetworkpolicies', namespaced: true },
  {
    kind: 'CiliumClusterwideNetworkPolicy',
    apiVersion: 'cilium.io/v2',
    plural: 'ciliumclusterwidenetworkpolicies',
    namespaced: false,
  },
  { kind: 'NetworkPolicy', apiVersion: 'crd.projectcalico.org/v1', plural: 'networkpolicies', namespaced: true },
  {
    kind: 'GlobalNetworkPolicy',
    apiVersion: 'crd.projectcalico.org/v1',
    plural: 'globalnetworkpolicies',
    namespaced: false,
  },
  { kind: 'NetworkPolicy', apiVersion: 'crd.antrea.io/v1beta1', plural: 'networkpolicies', namespaced: true },
  {
    kind: 'ClusterNetworkPolicy',
    apiVersion: 'crd.antrea.io/v1beta1',
    plural: 'clusternetworkpolicies',
    namespaced: false,
  },
];

/** `/api/v1/pods`, `/apis/apps/v1/namespaces/shop/deployments`. */
export function listPath(resource: LiveResource, namespace?: string): string {
  const root = resource.apiVersion.includes('/') ? `/apis/${resource.apiVersion}` : `/api/${resource.apiVersion}`;
  const scope = resource.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scope}/${resource.plural}`;
}

/** `pods`, `deployments.apps`, `networkpolicies.networking.k8s.io`: kubectl's name for it. */
export function qualifiedName(resource: LiveResource): string {
  const slash = resource.apiVersion.indexOf('/');
  return slash < 0 ? resource.plural : `${resource.plural}.${resource.apiVersion.slice(0, slash)}`;
}

import type { Schema } from './decode.js';

/**
 * The Go types (k8s.io/api) of the fields netpol reads, for the decode check. Only types
 * matter here; names are Go's so decode messages read like the API server's. Fields not
 * listed are accepted as anything (the API server would check them, netpol never reads them).
 */

const str: Schema = { t: 'string' };
const named = (go: string): Schema => ({ t: 'string', go });
const i32: Schema = { t: 'int32' };
const i64: Schema = { t: 'int64' };
const bool: Schema = { t: 'bool' };
const intOrString: Schema = { t: 'intOrString' };
const list = (of: Schema): Schema => ({ t: 'list', of });
const map = (of: Schema): Schema => ({ t: 'map', of });
const struct = (go: string, fields: Record<string, Schema>): Schema & { t: 'struct' } => ({ t: 'struct', go, fields });
/** A struct whose every field is listed: unknown fields in it are errors (strict decoding). */
const complete = (go: string, fields: Record<string, Schema>): Schema & { t: 'struct' } => ({
  t: 'struct',
  go,
  fields,
  strict: true,
});

const typeMeta = { apiVersion: str, kind: str };

const ownerReference = struct('v1.OwnerReference', {
  apiVersion: str,
  kind: str,
  name: str,
  uid: named('types.UID'),
  controller: bool,
  blockOwnerDeletion: bool,
});

export const OBJECT_META = struct('v1.ObjectMeta', {
  name: str,
  generateName: str,
  namespace: str,
  uid: named('types.UID'),
  resourceVersion: str,
  generation: i64,
  labels: map(str),
  annotations: map(str),
  ownerReferences: list(ownerReference),
  finalizers: list(str),
  deletionGracePeriodSeconds: i64,
});

export const LABEL_SELECTOR = complete('v1.LabelSelector', {
  matchLabels: map(str),
  matchExpressions: list(
    complete('v1.LabelSelectorRequirement', {
      key: str,
      operator: named('v1.LabelSelectorOperator'),
      values: list(str),
    }),
  ),
});

const networkPolicyPort = complete('v1.NetworkPolicyPort', {
  protocol: named('v1.Protocol'),
  port: intOrString,
  endPort: i32,
});

const networkPolicyPeer = complete('v1.NetworkPolicyPeer', {
  podSelector: LABEL_SELECTOR,
  namespaceSelector: LABEL_SELECTOR,
  ipBlock: complete('v1.IPBlock', { cidr: str, except: list(str) }),
});

export const NETWORK_POLICY = struct('v1.NetworkPolicy', {
  ...typeMeta,
  metadata: OBJECT_META,
  spec: complete('v1.NetworkPolicySpec', {
    podSelector: LABEL_SELECTOR,
    ingress: list(
      complete('v1.NetworkPolicyIngressRule', { ports: list(networkPolicyPort), from: list(networkPolicyPeer) }),
    ),
    egress: list(
      complete('v1.NetworkPolicyEgressRule', { ports: list(networkPolicyPort), to: list(networkPolicyPeer) }),
    ),
    policyTypes: list(named('v1.PolicyType')),
  }),
});

const containerPort = complete('v1.ContainerPort', {
  name: str,
  hostPort: i32,
  containerPort: i32,
  protocol: named('v1.Protocol'),
  hostIP: str,
});

const container = struct('v1.Container', {
  name: str,
  image: str,
  command: list(str),
  args: list(str),
  workingDir: str,
  ports: list(containerPort),
});

const POD_SPEC = struct('v1.PodSpec', {
  containers: list(container),
  initContainers: list(container),
  restartPolicy: named('v1.RestartPolicy'),
  dnsPolicy: named('v1.DNSPolicy'),
  nodeName: str,
  serviceAccountName: str,
  hostNetwork: bool,
  hostname: str,
  subdomain: str,
  nodeSelector: map(str),
  terminationGracePeriodSeconds: i64,
  activeDeadlineSeconds: i64,
});

const POD_TEMPLATE_SPEC = struct('v1.PodTemplateSpec', { metadata: OBJECT_META, spec: POD_SPEC });

export const POD = struct('v1.Pod', {
  ...typeMeta,
  metadata: OBJECT_META,
  spec: POD_SPEC,
  status: struct('v1.PodStatus', {
    phase: named('v1.PodPhase'),
    hostIP: str,
    podIP: str,
    podIPs: list(struct('v1.PodIP', { ip: str })),
  }),
});

export const NAMESPACE = struct('v1.Namespace', {
  ...typeMeta,
  metadata: OBJECT_META,
  spec: struct('v1.NamespaceSpec', { finalizers: list(named('v1.FinalizerName')) }),
  status: struct('v1.NamespaceStatus', { phase: named('v1.NamespacePhase') }),
});

export const SERVICE = struct('v1.Service', {
  ...typeMeta,
  metadata: OBJECT_META,
  spec: struct('v1.ServiceSpec', {
    ports: list(
      complete('v1.ServicePort', {
        name: str,
        protocol: named('v1.Protocol'),
        appProtocol: str,
        port: i32,
        targetPort: intOrString,
        nodePort: i32,
      }),
    ),
    selector: map(str),
    clusterIP: str,
    clusterIPs: list(str),
    type: named('v1.ServiceType'),
    externalIPs: list(str),
    externalName: str,
    sessionAffinity: named('v1.ServiceAffinity'),
    loadBalancerIP: str,
    publishNotReadyAddresses: bool,
    ipFamilies: list(named('v1.IPFamily')),
    ipFamilyPolicy: named('v1.IPFamilyPolicy'),
  }),
});

const JOB_SPEC = struct('v1.JobSpec', {
  parallelism: i32,
  completions: i32,
  activeDeadlineSeconds: i64,
  backoffLimit: i32,
  selector: LABEL_SELECTOR,
  manualSelector: bool,
  template: POD_TEMPLATE_SPEC,
  ttlSecondsAfterFinished: i32,
  suspend: bool,
});

const workload = (go: string, specGo: string, spec: Record<string, Schema>) =>
  struct(go, { ...typeMeta, metadata: OBJECT_META, spec: struct(specGo, spec) });

export const WORKLOAD_SCHEMAS: Readonly<Record<string, Schema & { t: 'struct' }>> = {
  Deployment: workload('v1.Deployment', 'v1.DeploymentSpec', {
    replicas: i32,
    selector: LABEL_SELECTOR,
    template: POD_TEMPLATE_SPEC,
    minReadySeconds: i32,
    revisionHistoryLimit: i32,
    paused: bool,
    progressDeadlineSeconds: i32,
  }),
  ReplicaSet: workload('v1.ReplicaSet', 'v1.ReplicaSetSpec', {
    replicas: i32,
    minReadySeconds: i32,
    selector: LABEL_SELECTOR,
    template: POD_TEMPLATE_SPEC,
  }),
  StatefulSet: workload('v1.StatefulSet', 'v1.StatefulSetSpec', {
    replicas: i32,
    selector: LABEL_SELECTOR,
    template: POD_TEMPLATE_SPEC,
    serviceName: str,
    podManagementPolicy: named('v1.PodManagementPolicyType'),
    revisionHistoryLimit: i32,
    minReadySeconds: i32,
  }),
  DaemonSet: workload('v1.DaemonSet', 'v1.DaemonSetSpec', {
    selector: LABEL_SELECTOR,
    template: POD_TEMPLATE_SPEC,
    minReadySeconds: i32,
    revisionHistoryLimit: i32,
  }),
  Job: workload('v1.Job', 'v1.JobSpec', JOB_SPEC.fields),
  CronJob: workload('v1.CronJob', 'v1.CronJobSpec', {
    schedule: str,
    timeZone: str,
    startingDeadlineSeconds: i64,
    concurrencyPolicy: named('v1.ConcurrencyPolicy'),
    suspend: bool,
    jobTemplate: struct('v1.JobTemplateSpec', { metadata: OBJECT_META, spec: JOB_SPEC }),
    successfulJobsHistoryLimit: i32,
    failedJobsHistoryLimit: i32,
  }),
  ReplicationController: workload('v1.ReplicationController', 'v1.ReplicationControllerSpec', {
    replicas: i32,
    minReadySeconds: i32,
    selector: map(str),
    template: POD_TEMPLATE_SPEC,
  }),
};

export const SCHEMAS: Readonly<Record<string, Schema & { t: 'struct' }>> = {
  NetworkPolicy: NETWORK_POLICY,
  Pod: POD,
  Namespace: NAMESPACE,
  Service: SERVICE,
  ...WORKLOAD_SCHEMAS,
};

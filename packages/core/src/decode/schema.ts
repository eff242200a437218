import type {
  BoolSchema,
  Infer,
  Int32Schema,
  Int64Schema,
  IntOrStringSchema,
  ListSchema,
  MapSchema,
  Schema,
  StringSchema,
  StructOf,
  StructSchema,
} from './decode.js';

/**
 * The Go types (k8s.io/api) of the fields netpol reads: one description that gives both the
 * decode check (names are Go's, so decode messages read like the API server's) and, through
 * `Infer`, the TypeScript type of each decoded object (`PodObject`, `NetworkPolicyObject`...)
 * that validation and the model read. Fields not listed are accepted as anything (the API
 * server would check them, netpol never reads them).
 */

const str: StringSchema = { t: 'string' };
const named = (go: string): StringSchema => ({ t: 'string', go });
const i32: Int32Schema = { t: 'int32' };
const i64: Int64Schema = { t: 'int64' };
const bool: BoolSchema = { t: 'bool' };
const intOrString: IntOrStringSchema = { t: 'intOrString' };
const list = <S extends Schema>(of: S): ListSchema<Infer<S>> => ({ t: 'list', of });
const map = <S extends Schema>(of: S): MapSchema<Infer<S>> => ({ t: 'map', of });
const struct = <F extends Record<string, Schema>>(go: string, fields: F): StructSchema<StructOf<F>> => ({
  t: 'struct',
  go,
  fields,
});
/** A struct whose every field is listed: unknown fields in it are errors (strict decoding). */
const complete = <F extends Record<string, Schema>>(go: string, fields: F): StructSchema<StructOf<F>> => ({
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

const objectMeta = struct('v1.ObjectMeta', {
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
  deletionTimestamp: named('v1.Time'),
});
export interface ObjectMeta extends Infer<typeof objectMeta> {}
export const OBJECT_META: StructSchema<ObjectMeta> = objectMeta;

const labelSelector = complete('v1.LabelSelector', {
  matchLabels: map(str),
  matchExpressions: list(
    complete('v1.LabelSelectorRequirement', {
      key: str,
      operator: named('v1.LabelSelectorOperator'),
      values: list(str),
    }),
  ),
});
export interface LabelSelector extends Infer<typeof labelSelector> {}
export const LABEL_SELECTOR: StructSchema<LabelSelector> = labelSelector;

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

const networkPolicy = struct('v1.NetworkPolicy', {
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
export interface NetworkPolicyObject extends Infer<typeof networkPolicy> {}
export const NETWORK_POLICY: StructSchema<NetworkPolicyObject> = networkPolicy;

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

const podSpec = struct('v1.PodSpec', {
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
export interface PodSpec extends Infer<typeof podSpec> {}
export const POD_SPEC: StructSchema<PodSpec> = podSpec;

const podTemplateSpec = struct('v1.PodTemplateSpec', { metadata: OBJECT_META, spec: POD_SPEC });
export interface PodTemplateSpec extends Infer<typeof podTemplateSpec> {}
export const POD_TEMPLATE_SPEC: StructSchema<PodTemplateSpec> = podTemplateSpec;

const pod = struct('v1.Pod', {
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
export interface PodObject extends Infer<typeof pod> {}
export const POD: StructSchema<PodObject> = pod;

const namespace = struct('v1.Namespace', {
  ...typeMeta,
  metadata: OBJECT_META,
  spec: struct('v1.NamespaceSpec', { finalizers: list(named('v1.FinalizerName')) }),
  status: struct('v1.NamespaceStatus', { phase: named('v1.NamespacePhase') }),
});
export interface NamespaceObject extends Infer<typeof namespace> {}
export const NAMESPACE: StructSchema<NamespaceObject> = namespace;

const service = struct('v1.Service', {
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
export interface ServiceObject extends Infer<typeof service> {}
export const SERVICE: StructSchema<ServiceObject> = service;

const JOB_SPEC_FIELDS = {
  parallelism: i32,
  completions: i32,
  activeDeadlineSeconds: i64,
  backoffLimit: i32,
  selector: LABEL_SELECTOR,
  manualSelector: bool,
  template: POD_TEMPLATE_SPEC,
  ttlSecondsAfterFinished: i32,
  suspend: bool,
};
const jobSpec = struct('v1.JobSpec', JOB_SPEC_FIELDS);
export interface JobSpec extends Infer<typeof jobSpec> {}
export const JOB_SPEC: StructSchema<JobSpec> = jobSpec;

const workload = <F extends Record<string, Schema>>(go: string, specGo: string, spec: F) =>
  struct(go, { ...typeMeta, metadata: OBJECT_META, spec: struct(specGo, spec) });

const deployment = workload('v1.Deployment', 'v1.DeploymentSpec', {
  replicas: i32,
  selector: LABEL_SELECTOR,
  template: POD_TEMPLATE_SPEC,
  minReadySeconds: i32,
  revisionHistoryLimit: i32,
  paused: bool,
  progressDeadlineSeconds: i32,
});
export interface DeploymentObject extends Infer<typeof deployment> {}
export const DEPLOYMENT: StructSchema<DeploymentObject> = deployment;
const replicaSet = workload('v1.ReplicaSet', 'v1.ReplicaSetSpec', {
  replicas: i32,
  minReadySeconds: i32,
  selector: LABEL_SELECTOR,
  template: POD_TEMPLATE_SPEC,
});
export interface ReplicaSetObject extends Infer<typeof replicaSet> {}
export const REPLICA_SET: StructSchema<ReplicaSetObject> = replicaSet;
const statefulSet = workload('v1.StatefulSet', 'v1.StatefulSetSpec', {
  replicas: i32,
  selector: LABEL_SELECTOR,
  template: POD_TEMPLATE_SPEC,
  serviceName: str,
  podManagementPolicy: named('v1.PodManagementPolicyType'),
  revisionHistoryLimit: i32,
  minReadySeconds: i32,
});
export interface StatefulSetObject extends Infer<typeof statefulSet> {}
export const STATEFUL_SET: StructSchema<StatefulSetObject> = statefulSet;
const daemonSet = workload('v1.DaemonSet', 'v1.DaemonSetSpec', {
  selector: LABEL_SELECTOR,
  template: POD_TEMPLATE_SPEC,
  minReadySeconds: i32,
  revisionHistoryLimit: i32,
});
export interface DaemonSetObject extends Infer<typeof daemonSet> {}
export const DAEMON_SET: StructSchema<DaemonSetObject> = daemonSet;
const job = workload('v1.Job', 'v1.JobSpec', JOB_SPEC_FIELDS);
export interface JobObject extends Infer<typeof job> {}
export const JOB: StructSchema<JobObject> = job;
const cronJob = workload('v1.CronJob', 'v1.CronJobSpec', {
  schedule: str,
  timeZone: str,
  startingDeadlineSeconds: i64,
  concurrencyPolicy: named('v1.ConcurrencyPolicy'),
  suspend: bool,
  jobTemplate: struct('v1.JobTemplateSpec', { metadata: OBJECT_META, spec: JOB_SPEC }),
  successfulJobsHistoryLimit: i32,
  failedJobsHistoryLimit: i32,
});
export interface CronJobObject extends Infer<typeof cronJob> {}
export const CRON_JOB: StructSchema<CronJobObject> = cronJob;
const replicationController = workload('v1.ReplicationController', 'v1.ReplicationControllerSpec', {
  replicas: i32,
  minReadySeconds: i32,
  selector: map(str),
  template: POD_TEMPLATE_SPEC,
});
export interface ReplicationControllerObject extends Infer<typeof replicationController> {}
export const REPLICATION_CONTROLLER: StructSchema<ReplicationControllerObject> = replicationController;

export const WORKLOAD_SCHEMAS: {
  Deployment: typeof DEPLOYMENT;
  ReplicaSet: typeof REPLICA_SET;
  StatefulSet: typeof STATEFUL_SET;
  DaemonSet: typeof DAEMON_SET;
  Job: typeof JOB;
  CronJob: typeof CRON_JOB;
  ReplicationController: typeof REPLICATION_CONTROLLER;
} = {
  Deployment: DEPLOYMENT,
  ReplicaSet: REPLICA_SET,
  StatefulSet: STATEFUL_SET,
  DaemonSet: DAEMON_SET,
  Job: JOB,
  CronJob: CRON_JOB,
  ReplicationController: REPLICATION_CONTROLLER,
};

/**
 * `kind: Node` (core/v1), read for the `nodes` peers of admin policies: its labels and the
 * addresses in `status.addresses`.
 */
const node = struct('v1.Node', {
  ...typeMeta,
  metadata: OBJECT_META,
  spec: struct('v1.NodeSpec', { podCIDR: str, podCIDRs: list(str), providerID: str, unschedulable: bool }),
  status: struct('v1.NodeStatus', {
    addresses: list(complete('v1.NodeAddress', { type: named('v1.NodeAddressType'), address: str })),
  }),
});
export interface NodeObject extends Infer<typeof node> {}
export const NODE: StructSchema<NodeObject> = node;

export const SCHEMAS: {
  NetworkPolicy: typeof NETWORK_POLICY;
  Pod: typeof POD;
  Namespace: typeof NAMESPACE;
  Service: typeof SERVICE;
  Node: typeof NODE;
} & typeof WORKLOAD_SCHEMAS = {
  NetworkPolicy: NETWORK_POLICY,
  Pod: POD,
  Namespace: NAMESPACE,
  Service: SERVICE,
  Node: NODE,
  ...WORKLOAD_SCHEMAS,
};

/** The kinds netpol reads, and the decoded type of each. */
export type KindName = keyof typeof SCHEMAS;
export type WorkloadKind = keyof typeof WORKLOAD_SCHEMAS;
export type KindObject<K extends KindName> = Infer<(typeof SCHEMAS)[K]>;

export type NetworkPolicySpec = NonNullable<NetworkPolicyObject['spec']>;
export type NetworkPolicyIngressRule = NonNullable<NetworkPolicySpec['ingress']>[number];
export type NetworkPolicyEgressRule = NonNullable<NetworkPolicySpec['egress']>[number];
export type NetworkPolicyPeer = NonNullable<NetworkPolicyIngressRule['from']>[number];
export type NetworkPolicyPort = NonNullable<NetworkPolicyIngressRule['ports']>[number];
export type WorkloadObject = KindObject<WorkloadKind>;

export function isKindName(kind: string): kind is KindName {
  return Object.hasOwn(SCHEMAS, kind);
}

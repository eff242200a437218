import { first } from '../at.js';

type Json = Record<string, unknown>;

/**
 * A generated cluster as `kubectl get pods,namespaces,services,networkpolicies -A -o json`
 * prints it: each Deployment becomes its running Pods (owned by a ReplicaSet, with the
 * `pod-template-hash` label), each with what the API server adds and netpol never reads
 * (managedFields, annotations, env, probes, resources, volumes, status conditions and
 * container statuses), about 6 KB a pod (indented by 2, as `netpol gen` writes; items start at column 1). Yields text chunks: 150,000 pods are about a
 * gigabyte, more than one JavaScript string holds. Pure and deterministic.
 */
export function* podDumpChunks(cluster: { items: readonly Json[] }): Generator<string> {
  yield '{\n  "apiVersion": "v1",\n  "items": [';
  let first = true;
  let podIndex = 0;
  for (const item of cluster.items) {
    const objects = item.kind === 'Deployment' ? podsOf(item, () => podIndex++) : [item];
    for (const object of objects) {
      yield `${first ? '' : ','}\n${JSON.stringify(object, null, 2)}`;
      first = false;
    }
  }
  yield '\n  ],\n  "kind": "List",\n  "metadata": {\n    "resourceVersion": ""\n  }\n}\n';
}

/** One replica of a Deployment: what its Pod's fields are made of. */
interface Replica {
  meta: { name: string; namespace: string };
  templateLabels: Record<string, string>;
  containers: Json[];
  hash: string;
  replicaSet: string;
  /** The replica's number in its Deployment (its REPLICA variable). */
  replica: number;
  /** The pod's number in the whole dump: its name, address, node and uid derive from it. */
  index: number;
  ip: string;
  uid: string;
}

const TIME = '2026-11-30T08:15:42Z';

function podsOf(deployment: Json, nextIndex: () => number): Json[] {
  const meta = deployment.metadata as { name: string; namespace: string };
  const spec = deployment.spec as {
    replicas: number;
    template: { metadata: { labels: Record<string, string> }; spec: Json };
  };
  const hash = hashOf(`${meta.namespace}/${meta.name}`);
  const replicaSet = `${meta.name}-${hash}`;
  const containers = spec.template.spec.containers as Json[];
  const templateLabels = spec.template.metadata.labels;
  return Array.from({ length: spec.replicas }, (_, replica) => {
    const index = nextIndex();
    const ip = `10.${128 + ((index >>> 16) & 63)}.${(index >>> 8) & 255}.${index & 255}`;
    const pod: Replica = { meta, templateLabels, containers, hash, replicaSet, replica, index, ip, uid: uidOf(index) };
    return { apiVersion: 'v1', kind: 'Pod', metadata: podMetadata(pod), spec: podSpec(pod), status: podStatus(pod) };
  });
}

function podMetadata({ meta, templateLabels, containers, hash, replicaSet, index, ip, uid }: Replica): Json {
  return {
    annotations: {
      'kubectl.kubernetes.io/restartedAt': TIME,
      'prometheus.io/scrape': 'true',
      'cni.projectcalico.org/podIP': `${ip}/32`,
    },
    creationTimestamp: TIME,
    generateName: `${replicaSet}-`,
    labels: { ...templateLabels, 'pod-template-hash': hash },
    managedFields: [
      managedField('kube-controller-manager', 'Update', '', {
        'f:metadata': { 'f:generateName': {}, 'f:labels': labelFields(templateLabels) },
        'f:spec': { 'f:containers': { [`k:{"name":"${first(containers).name}"}`]: { '.': {}, 'f:env': {} } } },
      }),
      managedField('kubelet', 'Update', 'status', {
        'f:status': {
          'f:conditions': {},
          'f:containerStatuses': {},
          'f:hostIP': {},
          'f:phase': {},
          'f:podIP': {},
          'f:startTime': {},
        },
      }),
    ],
    name: `${replicaSet}-${suffixOf(index)}`,
    namespace: meta.namespace,
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        blockOwnerDeletion: true,
        controller: true,
        kind: 'ReplicaSet',
        name: replicaSet,
        uid: uidOf(index + 1_000_000_000),
      },
    ],
    resourceVersion: String(1000000 + index),
    uid,
  };
}

function podSpec({ meta, containers, replica, index }: Replica): Json {
  return {
    containers: containers.map((c) => ({
      ...c,
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
        { name: 'REPLICA', value: String(replica) },
      ],
      imagePullPolicy: 'IfNotPresent',
      livenessProbe: probe(),
      resources: { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      volumeMounts: [
        { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true },
        { mountPath: '/etc/app', name: 'config', readOnly: true },
      ],
    })),
    dnsPolicy: 'ClusterFirst',
    nodeName: `node-${String(index % 5000).padStart(4, '0')}`,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    serviceAccount: 'default',
    serviceAccountName: 'default',
    terminationGracePeriodSeconds: 30,
    volumes: [
      {
        name: 'kube-api-access',
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
          ],
        },
      },
      { configMap: { defaultMode: 420, name: `${meta.name}-config` }, name: 'config' },
    ],
  };
}

function podStatus({ containers, index, ip, uid }: Replica): Json {
  const digest = `${uid.replaceAll('-', '')}${uid.replaceAll('-', '')}`;
  return {
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
      (type) => ({ lastProbeTime: null, lastTransitionTime: TIME, status: 'True', type }),
    ),
    containerStatuses: containers.map((c) => ({
      containerID: `containerd://${digest}`,
      image: c.image,
      imageID: `registry.example/app@sha256:${digest}`,
      lastState: {},
      name: c.name,
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: TIME } },
    })),
    hostIP: `172.16.${(index % 5000) >>> 8}.${(index % 5000) & 255}`,
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    qosClass: 'Burstable',
    startTime: TIME,
  };
}

function managedField(manager: string, operation: string, subresource: string, fieldsV1: Json): Json {
  return {
    apiVersion: 'v1',
    fieldsType: 'FieldsV1',
    fieldsV1,
    manager,
    operation,
    ...(subresource ? { subresource } : {}),
    time: TIME,
  };
}

function labelFields(labels: Record<string, string>): Json {
  return Object.fromEntries([
    ['.', {}],
    ...Object.keys(labels).map((k) => [`f:${k}`, {}]),
    ['f:pod-template-hash', {}],
  ]);
}

function probe(): Json {
  return {
    failureThreshold: 3,
    httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
    initialDelaySeconds: 5,
    periodSeconds: 10,
    successThreshold: 1,
    timeoutSeconds: 1,
  };
}

/** FNV-1a, as ten lowercase letters/digits (the shape of a pod-template-hash). */
function hashOf(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36).padStart(7, '0').slice(0, 10);
}

function suffixOf(index: number): string {
  return ((index * 2654435761) >>> 0).toString(36).padStart(5, 'x').slice(-5);
}

function uidOf(index: number): string {
  const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(width, '0').slice(-width);
  const a = Math.imul(index + 1, 2654435761);
  const b = Math.imul(index + 7, 40503);
  return `${hex(a, 8)}-${hex(b, 4)}-4${hex(a >>> 4, 3)}-8${hex(b >>> 3, 3)}-${hex(a ^ b, 8)}${hex(index, 4)}`;
}

import type { FieldPath, Issue } from '../issues.js';
import { arr, type Obj, obj, str } from '../model/read-fields.js';
import { isDNS1123Label, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './formats.js';
import { duplicate, invalid, notSupported, required } from './messages.js';
import { validateObjectMeta } from './validate-meta.js';

/**
 * The basics of ValidatePodSpec (k8s.io/kubernetes pkg/apis/core/validation) that matter to
 * netpol: containers (names, images for bare pods) and their ports, restartPolicy. Values are
 * defaulted first as the API server does (protocol TCP, restartPolicy Always).
 */

/** Port protocols in the order `sets.List` prints them. */
export const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

export interface PodSpecOptions {
  /** Bare pods need `image`; templates may leave it to admission. */
  isPod: boolean;
}

export function validatePod(pod: Obj): Issue[] {
  const spec = obj(pod.spec);
  const issues = [
    ...validateObjectMeta(obj(pod.metadata), { namespaced: true, nameRule: nameIsDNSSubdomain }),
    ...validatePodSpec(spec, ['spec'], { isPod: true }),
  ];
  const restartPolicy = restartPolicyOf(spec);
  if (!RESTART_POLICIES.includes(restartPolicy)) {
    issues.push(notSupported(['spec', 'restartPolicy'], restartPolicy, RESTART_POLICIES));
  }
  return issues;
}

/** `spec.restartPolicy` after defaulting (SetDefaults_PodSpec: empty means Always). */
export function restartPolicyOf(podSpec: Obj): string {
  const value = str(podSpec.restartPolicy) ?? '';
  return value === '' ? 'Always' : value;
}

export function validatePodSpec(spec: Obj, path: FieldPath, options: PodSpecOptions): Issue[] {
  const issues: Issue[] = [];
  const containers = arr(spec.containers);
  const names = new Set<string>();
  if (containers.length === 0) issues.push(required([...path, 'containers']));
  // Init containers are validated first upstream and share the name space with containers.
  for (const key of ['initContainers', 'containers'] as const) {
    arr(spec[key]).forEach((item, i) => {
      issues.push(...validateContainer(obj(item), [...path, key, i], names, options));
    });
  }
  return issues;
}

function validateContainer(container: Obj, path: FieldPath, names: Set<string>, options: PodSpecOptions): Issue[] {
  const issues: Issue[] = [];
  const name = str(container.name) ?? '';
  if (name === '') {
    issues.push(required([...path, 'name']));
  } else {
    for (const msg of isDNS1123Label(name)) issues.push(invalid([...path, 'name'], name, msg));
    if (names.has(name)) issues.push(duplicate([...path, 'name'], name));
    else names.add(name);
  }
  if (options.isPod && (str(container.image) ?? '') === '') issues.push(required([...path, 'image']));
  issues.push(...validateContainerPorts(arr(container.ports), [...path, 'ports']));
  return issues;
}

/** validateContainerPorts: names IANA_SVC_NAME and unique per container, numbers 1-65535. */
export function validateContainerPorts(ports: readonly unknown[], path: FieldPath): Issue[] {
  const issues: Issue[] = [];
  const names = new Set<string>();
  ports.forEach((item, i) => {
    const port = obj(item);
    const at = [...path, i];
    const name = str(port.name) ?? '';
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const msg of msgs) issues.push(invalid([...at, 'name'], name, msg));
      else if (names.has(name)) issues.push(duplicate([...at, 'name'], name));
      else names.add(name);
    }
    const containerPort = typeof port.containerPort === 'number' ? port.containerPort : 0;
    if (containerPort === 0) issues.push(required([...at, 'containerPort']));
    else
      for (const msg of isValidPortNum(containerPort))
        issues.push(invalid([...at, 'containerPort'], containerPort, msg));
    const hostPort = typeof port.hostPort === 'number' ? port.hostPort : 0;
    if (hostPort !== 0)
      for (const msg of isValidPortNum(hostPort)) issues.push(invalid([...at, 'hostPort'], hostPort, msg));
    const protocol = str(port.protocol) || 'TCP';
    if (!SUPPORTED_PORT_PROTOCOLS.includes(protocol)) {
      issues.push(notSupported([...at, 'protocol'], protocol, SUPPORTED_PORT_PROTOCOLS));
    }
  });
  return issues;
}

import type { FieldPath, Issue } from '../issues.js';
import { type Obj, obj, str } from '../model/read-fields.js';
import { isDNS1123Label, isValidPortName, isValidPortNum } from './formats.js';
import { duplicate, invalid, invalidEach, notSupported, type PathStack, required } from './messages.js';
import { metadataInto, NAMESPACED_SUBDOMAIN } from './validate-meta.js';

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
  const out: Issue[] = [];
  const path: PathStack = [];
  metadataInto(obj(pod.metadata), NAMESPACED_SUBDOMAIN, path, out);
  path.push('spec');
  podSpecInto(spec, path, { isPod: true }, out);
  path.pop();
  const restartPolicy = restartPolicyOf(spec);
  if (!RESTART_POLICIES.includes(restartPolicy)) {
    out.push(notSupported(['spec', 'restartPolicy'], restartPolicy, RESTART_POLICIES));
  }
  return out;
}

/** `spec.restartPolicy` after defaulting (SetDefaults_PodSpec: empty means Always). */
export function restartPolicyOf(podSpec: Obj): string {
  const value = str(podSpec.restartPolicy) ?? '';
  return value === '' ? 'Always' : value;
}

export function validatePodSpec(spec: Obj, path: FieldPath, options: PodSpecOptions): Issue[] {
  const out: Issue[] = [];
  podSpecInto(spec, [...path], options, out);
  return out;
}

/** `validatePodSpec` of the value at `path`, into `out` (see `PathStack`). */
export function podSpecInto(spec: Obj, path: PathStack, options: PodSpecOptions, out: Issue[]): void {
  const { initContainers, containers } = spec;
  if (!Array.isArray(containers) || containers.length === 0) out.push(required([...path, 'containers']));
  // Init containers are validated first upstream and share the name space with containers.
  // The names seen so far (a list: a pod has a few containers).
  const names: string[] = [];
  containersInto(initContainers, 'initContainers', path, names, options, out);
  containersInto(containers, 'containers', path, names, options, out);
}

function containersInto(
  list: unknown,
  key: 'initContainers' | 'containers',
  path: PathStack,
  names: string[],
  options: PodSpecOptions,
  out: Issue[],
): void {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) {
    path.push(key, i);
    containerInto(obj(list[i]), path, names, options, out);
    path.length -= 2;
  }
}

function containerInto(container: Obj, path: PathStack, names: string[], options: PodSpecOptions, out: Issue[]): void {
  const name = str(container.name) ?? '';
  if (name === '') {
    out.push(required([...path, 'name']));
  } else {
    invalidEach(out, isDNS1123Label(name), name, path, 'name');
    if (names.includes(name)) out.push(duplicate([...path, 'name'], name));
    else names.push(name);
  }
  if (options.isPod && (str(container.image) ?? '') === '') out.push(required([...path, 'image']));
  const { ports } = container;
  if (Array.isArray(ports) && ports.length > 0) {
    path.push('ports');
    containerPortsInto(ports, path, out);
    path.pop();
  }
}

/** validateContainerPorts: names IANA_SVC_NAME and unique per container, numbers 1-65535. */
export function validateContainerPorts(ports: readonly unknown[], path: FieldPath): Issue[] {
  const out: Issue[] = [];
  containerPortsInto(ports, path, out);
  return out;
}

function containerPortsInto(ports: readonly unknown[], path: FieldPath, out: Issue[]): void {
  // The names seen so far (a list: a container has a few ports).
  const names: string[] = [];
  for (let i = 0; i < ports.length; i++) {
    const port = obj(ports[i]);
    const name = str(port.name) ?? '';
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const msg of msgs) out.push(invalid([...path, i, 'name'], name, msg));
      else if (names.includes(name)) out.push(duplicate([...path, i, 'name'], name));
      else names.push(name);
    }
    const containerPort = typeof port.containerPort === 'number' ? port.containerPort : 0;
    if (containerPort === 0) out.push(required([...path, i, 'containerPort']));
    else invalidEach(out, isValidPortNum(containerPort), containerPort, path, i, 'containerPort');
    const hostPort = typeof port.hostPort === 'number' ? port.hostPort : 0;
    if (hostPort !== 0) invalidEach(out, isValidPortNum(hostPort), hostPort, path, i, 'hostPort');
    const protocol = str(port.protocol) || 'TCP';
    if (!SUPPORTED_PORT_PROTOCOLS.includes(protocol)) {
      out.push(notSupported([...path, i, 'protocol'], protocol, SUPPORTED_PORT_PROTOCOLS));
    }
  }
}

import type { FieldPath, Issue } from '../issues.js';
import { parseIPv4Number, parseIp } from '../model/cidr.js';
import { arr, type Obj, obj, str } from '../model/read-fields.js';
import { isDNS1123Label, isValidPortName, isValidPortNum, nameIsDNS1035Label } from './formats.js';
import { duplicate, forbidden, invalid, invalidEach, notSupported, pointAt, required } from './messages.js';
import { labelsInto, metadataInto, type ObjectMetaOptions } from './validate-meta.js';
import { SUPPORTED_PORT_PROTOCOLS } from './validate-pod-spec.js';

/** Service types in the order `sets.List` prints them. */
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/**
 * The parts of ValidateService (pkg/apis/core/validation) netpol relies on: name (DNS-1035
 * label), type, ports (names, numbers, protocol, targetPort number or name), clusterIP and
 * selector. Defaulting first: protocol TCP, targetPort = port when 0 or "", clusterIPs from
 * clusterIP.
 */
export function validateService(service: Obj): Issue[] {
  const spec = obj(service.spec);
  const issues: Issue[] = [];
  metadataInto(obj(service.metadata), SERVICE_META, [], issues);
  const type = str(spec.type) || 'ClusterIP';
  if (!SERVICE_TYPES.includes(type)) issues.push(notSupported(['spec', 'type'], type, SERVICE_TYPES));
  const clusterIP = str(spec.clusterIP) ?? '';
  const headless = clusterIP === 'None';
  const ports = arr(spec.ports);
  if (ports.length === 0 && !headless && type !== 'ExternalName') issues.push(required(['spec', 'ports']));
  // The names seen so far (a list: a Service has a few ports).
  const names: string[] = [];
  for (let i = 0; i < ports.length; i++) servicePortInto(obj(ports[i]), i, ports.length > 1, names, type, issues);
  if (type === 'ExternalName') {
    if ((str(spec.externalName) ?? '') === '') issues.push(required(['spec', 'externalName']));
  } else {
    // SetDefaults_Service copies clusterIP into clusterIPs[0]; validateClusterIPs reports there.
    const clusterIPs = Array.isArray(spec.clusterIPs) ? spec.clusterIPs.map((ip) => str(ip) ?? '') : [];
    const defaulted = clusterIPs.length === 0 && clusterIP !== '';
    if (defaulted) clusterIPs.push(clusterIP);
    if (clusterIP !== '' && clusterIPs[0] !== clusterIP) {
      issues.push(
        invalid(['spec', 'clusterIPs'], clusterIPs[0] ?? '', 'must match `clusterIP` when both are specified'),
      );
    }
    clusterIPs.forEach((ip, i) => {
      if (ip === 'None' && i === 0) return;
      if (!parseIpSloppy(ip)) {
        const found = invalid(
          ['spec', 'clusterIPs', i],
          ip,
          'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        );
        // The user wrote `clusterIP`; point there when `clusterIPs` was filled from it.
        issues.push(defaulted ? pointAt(found, ['spec', 'clusterIP']) : found);
      }
    });
  }
  labelsInto(spec.selector, SELECTOR_PATH, issues);
  return issues;
}

/** A Service's name is a DNS-1035 label (its DNS name starts with a letter). */
const SERVICE_META: ObjectMetaOptions = { namespaced: true, nameRule: nameIsDNS1035Label };

const SELECTOR_PATH: FieldPath = ['spec', 'selector'];

const PORTS_PATH: FieldPath = ['spec', 'ports'];
const portPath = (index: number, field: string): FieldPath => [...PORTS_PATH, index, field];

/** The port at `spec.ports[index]`, into `issues` (paths built only for an issue). */
function servicePortInto(
  port: Obj,
  index: number,
  requireName: boolean,
  names: string[],
  type: string,
  issues: Issue[],
): void {
  const name = str(port.name) ?? '';
  if (requireName && name === '') {
    issues.push(required(portPath(index, 'name')));
  } else if (name !== '') {
    invalidEach(issues, isDNS1123Label(name), name, PORTS_PATH, index, 'name');
    if (names.includes(name)) issues.push(duplicate(portPath(index, 'name'), name));
    else names.push(name);
  }
  const number = typeof port.port === 'number' ? port.port : 0;
  invalidEach(issues, isValidPortNum(number), number, PORTS_PATH, index, 'port');
  const protocol = str(port.protocol) || 'TCP';
  if (!SUPPORTED_PORT_PROTOCOLS.includes(protocol)) {
    issues.push(notSupported(portPath(index, 'protocol'), protocol, SUPPORTED_PORT_PROTOCOLS));
  }
  // ValidatePortNumOrName, after defaulting 0 / "" to `port`.
  const target =
    port.targetPort === 0 || port.targetPort === '' || port.targetPort === undefined ? number : port.targetPort;
  if (typeof target === 'number') {
    invalidEach(issues, isValidPortNum(target), target, PORTS_PATH, index, 'targetPort');
  } else if (typeof target === 'string') {
    invalidEach(issues, isValidPortName(target), target, PORTS_PATH, index, 'targetPort');
  }
  if (type === 'ClusterIP' && typeof port.nodePort === 'number' && port.nodePort !== 0) {
    issues.push(forbidden(portPath(index, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
  }
}

/** ParseIPSloppy: IPv4 octets may carry leading zeros. */
function parseIpSloppy(text: string): boolean {
  if (parseIPv4Number(text) !== undefined || parseIp(text)) return true;
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d+$/.test(p) && Number(p) <= 255);
}

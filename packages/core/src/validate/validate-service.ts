import type { FieldPath, Issue } from '../issues.js';
import { parseIp } from '../model/cidr.js';
import { arr, type Obj, obj, str } from '../model/read-fields.js';
import { isDNS1123Label, isValidPortName, isValidPortNum, nameIsDNS1035Label } from './formats.js';
import { duplicate, forbidden, invalid, notSupported, pointAt, required } from './messages.js';
import { validateLabels, validateObjectMeta } from './validate-meta.js';
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
  const issues = validateObjectMeta(obj(service.metadata), { namespaced: true, nameRule: nameIsDNS1035Label });
  const type = str(spec.type) || 'ClusterIP';
  if (!SERVICE_TYPES.includes(type)) issues.push(notSupported(['spec', 'type'], type, SERVICE_TYPES));
  const clusterIP = str(spec.clusterIP) ?? '';
  const headless = clusterIP === 'None';
  const ports = arr(spec.ports);
  if (ports.length === 0 && !headless && type !== 'ExternalName') issues.push(required(['spec', 'ports']));
  const names = new Set<string>();
  ports.forEach((item, i) => {
    issues.push(...validateServicePort(obj(item), ['spec', 'ports', i], ports.length > 1, names, type));
  });
  if (type === 'ExternalName') {
    if ((str(spec.externalName) ?? '') === '') issues.push(required(['spec', 'externalName']));
  } else {
    // SetDefaults_Service copies clusterIP into clusterIPs[0]; validateClusterIPs reports there.
    const clusterIPs = arr(spec.clusterIPs).map((ip) => str(ip) ?? '');
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
  issues.push(...validateLabels(spec.selector, ['spec', 'selector']));
  return issues;
}

function validateServicePort(
  port: Obj,
  path: FieldPath,
  requireName: boolean,
  names: Set<string>,
  type: string,
): Issue[] {
  const issues: Issue[] = [];
  const name = str(port.name) ?? '';
  if (requireName && name === '') {
    issues.push(required([...path, 'name']));
  } else if (name !== '') {
    for (const msg of isDNS1123Label(name)) issues.push(invalid([...path, 'name'], name, msg));
    if (names.has(name)) issues.push(duplicate([...path, 'name'], name));
    else names.add(name);
  }
  const number = typeof port.port === 'number' ? port.port : 0;
  for (const msg of isValidPortNum(number)) issues.push(invalid([...path, 'port'], number, msg));
  const protocol = str(port.protocol) || 'TCP';
  if (!SUPPORTED_PORT_PROTOCOLS.includes(protocol)) {
    issues.push(notSupported([...path, 'protocol'], protocol, SUPPORTED_PORT_PROTOCOLS));
  }
  // ValidatePortNumOrName, after defaulting 0 / "" to `port`.
  const target =
    port.targetPort === 0 || port.targetPort === '' || port.targetPort === undefined ? number : port.targetPort;
  if (typeof target === 'number') {
    for (const msg of isValidPortNum(target)) issues.push(invalid([...path, 'targetPort'], target, msg));
  } else if (typeof target === 'string') {
    for (const msg of isValidPortName(target)) issues.push(invalid([...path, 'targetPort'], target, msg));
  }
  if (type === 'ClusterIP' && typeof port.nodePort === 'number' && port.nodePort !== 0) {
    issues.push(forbidden([...path, 'nodePort'], "may not be used when `type` is 'ClusterIP'"));
  }
  return issues;
}

/** ParseIPSloppy: IPv4 octets may carry leading zeros. */
function parseIpSloppy(text: string): boolean {
  if (parseIp(text)) return true;
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d+$/.test(p) && Number(p) <= 255);
}

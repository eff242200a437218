import type { PodModel, PortModel, Protocol } from '../model/types.js';

/**
 * NetworkPolicyPort: "port represents the port on the given protocol. This can either be a
 * numerical or named port on a pod. If this field is not provided, this matches all port
 * names and numbers. If present, only traffic on the specified protocol AND port will be
 * matched." / "endPort indicates that a range of ports from port to endPort if set,
 * inclusive, should be allowed by the policy." A named port is looked up on the destination
 * pod; an outside destination (undefined) never matches a named rule port. `port` is
 * undefined when the asked port could not be resolved: only port-less entries match then.
 */
export function matchPort(
  rulePort: PortModel,
  protocol: Protocol,
  port: number | undefined,
  destination: PodModel | undefined,
): boolean {
  if (rulePort.protocol !== protocol) return false;
  if (rulePort.port === undefined) return true;
  if (port === undefined) return false;
  if (typeof rulePort.port === 'number') return port >= rulePort.port && port <= (rulePort.endPort ?? rulePort.port);
  const name = rulePort.port;
  return destination?.ports.some((p) => p.name === name && p.protocol === protocol && p.port === port) ?? false;
}

import type { ContainerPortModel, PortModel, Protocol } from '../model/types.js';

/** What named ports resolve on: a destination pod's (or class's) container ports. */
export interface PortHolder {
  ports: readonly ContainerPortModel[];
}

/** An inclusive span of port numbers. */
export type PortNumbers = readonly [first: number, last: number];

const EVERY_PORT: readonly PortNumbers[] = [[0, 65535]];

/**
 * NetworkPolicyPort: "port represents the port on the given protocol. This can either be a
 * numerical or named port on a pod. If this field is not provided, this matches all port
 * names and numbers." / "endPort indicates that a range of ports from port to endPort if
 * set, inclusive, should be allowed by the policy." The numbers of `rulePort.protocol` it
 * admits towards a destination: a named port is looked up on the destination's container
 * ports (name and protocol); an outside destination (undefined) has none.
 */
export function admittedPorts(rulePort: PortModel, destination: PortHolder | undefined): readonly PortNumbers[] {
  if (rulePort.port === undefined) return EVERY_PORT;
  if (typeof rulePort.port === 'number') return [[rulePort.port, rulePort.endPort ?? rulePort.port]];
  const name = rulePort.port;
  return (destination?.ports ?? [])
    .filter((p) => p.name === name && p.protocol === rulePort.protocol)
    .map((p): PortNumbers => [p.port, p.port]);
}

/**
 * "If present, only traffic on the specified protocol AND port will be matched." `port` is
 * undefined when the asked port could not be resolved: only port-less entries match then.
 */
export function matchPort(
  rulePort: PortModel,
  protocol: Protocol,
  port: number | undefined,
  destination: PortHolder | undefined,
): boolean {
  if (rulePort.protocol !== protocol) return false;
  if (port === undefined) return rulePort.port === undefined;
  return admittedPorts(rulePort, destination).some(([first, last]) => port >= first && port <= last);
}

/** A port asked by name is resolved on the destination's container ports (name and protocol). */
export function resolvePort(
  port: number | string,
  protocol: Protocol,
  destination: PortHolder | undefined,
): number | undefined {
  if (typeof port === 'number') return port;
  return destination?.ports.find((p) => p.name === port && p.protocol === protocol)?.port;
}

import { first } from '../at.js';
import { checkCaveats } from '../endpoints/check-caveats.js';
import type { EndpointCheck, PairCheck } from '../endpoints/check-endpoints.js';
import { formatPortQuery } from '../endpoints/parse-port-query.js';
import type { Endpoint } from '../endpoints/resolve-endpoint.js';
import type { AdminRuleRef, Peer, SideVerdict } from '../engine/types.js';
import { type FieldPath, formatPath } from '../issues.js';
import { originLocation } from '../model/origin-location.js';
import type { Origin } from '../model/types.js';
import { describeAdminRef, describeTierDecision } from './admin-words.js';
import type { TableStyle } from './matrix-table.js';

/**
 * `netpol check`'s report, in one place so the CLI and the web UI's check panel say the same
 * words (SPEC "Web UI": the panel shows "the same reasons as `netpol check`").
 */

const PLAIN: TableStyle = { allowed: (s) => s, denied: (s) => s, dim: (s) => s, bold: (s) => s };

/** `spec.ingress[1] (policies.yaml:12)`. */
export function citeField(origin: Origin | undefined, path: FieldPath): string {
  const where = originLocation(origin, path);
  return `${formatPath(path)}${where ? ` (${where.file}:${where.line})` : ''}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function peerName(peer: Peer): string {
  return peer.kind === 'pod' ? peer.pod.id : peer.ip;
}

/** `web/frontend -> shop/backend on 80/TCP`: what was asked, after the verdict word. */
export function checkHeadline(check: EndpointCheck): string {
  return `${check.from.id} -> ${check.to.id} on ${formatPortQuery(check.port)}`;
}

function describeEndpoint(endpoint: Endpoint): string | undefined {
  if (endpoint.kind === 'pod' && endpoint.workload) {
    return endpoint.workload.pods.length > 0
      ? `${endpoint.id} is judged on its first replica ${endpoint.pod.id} (replicas share labels and ports)`
      : `${endpoint.id} has no replicas: judged on its pod template (no address, so no ipBlock matches it)`;
  }
  if (endpoint.kind === 'pod' && endpoint.input.trim() !== endpoint.id)
    return `${endpoint.input.trim()} is ${endpoint.id}`;
  if (endpoint.kind === 'service' && endpoint.input.trim() !== endpoint.id)
    return `${endpoint.input.trim()} is Service ${endpoint.service.id}`;
  return undefined;
}

/** The report's lines after the headline (indented as the CLI prints them): per pair and side who decided. */
export function checkReasonLines(check: EndpointCheck, style: TableStyle = PLAIN): string[] {
  const c = style;
  const lines: string[] = [];
  if (check.reason === 'between-replicas') {
    const pair = first(check.pairs);
    lines.push(
      `  ${c.dim(`${check.from.id} to itself: judged between two of its replicas, ${peerName(pair.source)} -> ${peerName(pair.destination)} (each pod may always reach itself)`)}`,
    );
  } else {
    for (const endpoint of [check.from, check.to]) {
      const note = describeEndpoint(endpoint);
      if (note) lines.push(`  ${c.dim(note)}`);
    }
  }
  for (const [role, endpoint] of [
    ['destination', check.to],
    ['source', check.from],
  ] as const) {
    if (endpoint.kind !== 'service') continue;
    const service = endpoint.service;
    if (endpoint.backends.length === 0) {
      lines.push(
        `  Service ${service.id} has no backends (${service.selector ? 'no pod matches its selector' : 'it has no selector'}): nothing answers, so it counts as denied`,
      );
      continue;
    }
    const sp = check.servicePort;
    const translated =
      role !== 'destination'
        ? ''
        : service.clusterIP === undefined
          ? ' is headless (its name resolves to the pod addresses): the port is not translated'
          : sp
            ? ` port ${sp.name ? `${sp.name} ` : ''}${sp.port}/${sp.protocol} -> targetPort ${sp.targetPort}`
            : '';
    lines.push(
      `  Service ${service.id}${translated}: judged on ${plural(endpoint.backends.length, 'backing pod')}; allowed only if every one allows`,
    );
  }
  const many = check.pairs.length > 1;
  for (const pair of check.pairs) {
    const indent = many ? '    ' : '  ';
    if (many) {
      const word = pair.verdict.allowed ? c.allowed('allowed') : c.denied('denied');
      lines.push('');
      lines.push(`  ${peerName(pair.source)} -> ${peerName(pair.destination)} on ${pairPort(pair)}: ${word}`);
    }
    for (const line of formatPair(pair)) lines.push(`${indent}${line}`);
  }
  for (const caveat of checkCaveats(check)) lines.push(`  note: ${caveat.message}`);
  return lines;
}

/** The whole text report: `ALLOWED: a -> b on 80/TCP`, then the reasons. */
export function formatCheck(check: EndpointCheck, style: TableStyle = PLAIN): string {
  const verdict = check.allowed ? style.allowed(style.bold('ALLOWED')) : style.denied(style.bold('DENIED'));
  return `${[`${verdict}: ${checkHeadline(check)}`, ...checkReasonLines(check, style)].join('\n')}\n`;
}

function pairPort(pair: PairCheck): string {
  return formatPortQuery({ protocol: pair.port.protocol, port: pair.verdict.port ?? pair.port.port });
}

function formatPair(pair: PairCheck): string[] {
  const { verdict } = pair;
  const lines: string[] = [];
  if (verdict.note === 'self') lines.push('a pod may always talk to itself');
  if (verdict.note === 'external-to-external') lines.push('both sides are outside addresses: no policy applies');
  if (verdict.note === 'named-port-unresolved') {
    lines.push(
      pair.destination.kind === 'pod'
        ? `port ${pair.port.port}: ${pair.destination.pod.id} has no ${pair.port.protocol} container port named ${pair.port.port}, so nothing listens there`
        : `port ${pair.port.port}: a named port cannot be resolved on an outside address`,
    );
  }
  const other = (side: SideVerdict) => peerName(side.direction === 'egress' ? pair.destination : pair.source);
  for (const side of [verdict.egress, verdict.ingress]) {
    const subject = side.direction === 'egress' ? pair.source : pair.destination;
    const label = `${side.direction.padEnd(7)} ${peerName(subject)}:`;
    lines.push(`${label} ${formatSide(side, pairPort(pair), other(side))}`);
  }
  return lines;
}

/**
 * One side in the words of SPEC "explain, lint, diff output": "not isolated", "isolated by
 * ns/p1, ns/p2 and no rule matches", or the rules (policy, spec.ingress[i], file:line) that allow.
 */
export function formatSide(side: SideVerdict, port: string, other: string): string {
  if (!side.applies) return 'outside address (no policy side)';
  // With admin tier policies, the NetworkPolicy words sit inside the tier's sentence.
  if (side.tier) return describeTierDecision(side, formatNetworkPolicySide(side, port, other));
  return formatNetworkPolicySide(side, port, other);
}

function formatNetworkPolicySide(side: SideVerdict, port: string, other: string): string {
  if (!side.isolated) return `not isolated (no policy selects it for ${side.direction})`;
  const by = `isolated by ${side.selectedBy.map((p) => p.id).join(', ')}`;
  if (side.allowedBy.length === 0) {
    return `${by} and no rule matches (${port} ${side.direction === 'ingress' ? 'from' : 'to'} ${other})`;
  }
  const rules = side.allowedBy.map(
    (ref) => `${ref.policy.id} ${citeField(ref.policy.origin, ['spec', ref.direction, ref.ruleIndex])}`,
  );
  return `${by}; allowed by ${rules.join(', ')}`;
}

function endpointToJson(endpoint: Endpoint) {
  const base = { input: endpoint.input, kind: endpoint.kind, id: endpoint.id };
  switch (endpoint.kind) {
    case 'pod':
      return { ...base, pod: endpoint.pod.id, workload: endpoint.workload?.id ?? null };
    case 'external':
      return { ...base, ip: endpoint.ip };
    case 'service':
      return { ...base, service: endpoint.service.id, backends: endpoint.backends.map((p) => p.id) };
  }
}

export function sideToJson(side: SideVerdict, subject: Peer) {
  return {
    direction: side.direction,
    endpoint: peerName(subject),
    applies: side.applies,
    isolated: side.isolated,
    selectedBy: side.selectedBy.map((p) => p.id),
    allowedBy: side.allowedBy.map((ref) => {
      const where = originLocation(ref.policy.origin, ['spec', ref.direction, ref.ruleIndex]);
      return {
        policy: ref.policy.id,
        rule: `spec.${ref.direction}[${ref.ruleIndex}]`,
        direction: ref.direction,
        ruleIndex: ref.ruleIndex,
        peerIndex: ref.peerIndex ?? null,
        portIndex: ref.portIndex ?? null,
        file: where?.file ?? null,
        line: where?.line ?? null,
      };
    }),
    allowed: side.allowed,
    // Admin tiers (only when the input has admin tier policies: other outputs stay as they were).
    ...(side.tier
      ? {
          tier: side.tier,
          adminRule: side.adminRule ? adminRefToJson(side.adminRule) : null,
          passedBy: (side.passedBy ?? []).map(adminRefToJson),
        }
      : {}),
  };
}

function adminRefToJson(ref: AdminRuleRef) {
  const where = originLocation(ref.policy.origin, ['spec', ref.direction, ref.ruleIndex]);
  return {
    kind: ref.policy.kind,
    policy: ref.policy.name,
    tier: ref.policy.tier,
    priority: ref.policy.priority ?? null,
    rule: `spec.${ref.direction}[${ref.ruleIndex}]`,
    action: ref.action,
    peerIndex: ref.peerIndex,
    portIndex: ref.portIndex ?? null,
    text: describeAdminRef(ref),
    file: where?.file ?? null,
    line: where?.line ?? null,
  };
}

export type CheckJson = ReturnType<typeof checkToJson>;

/** `check -o json`: the same facts as the text, as data. */
export function checkToJson(check: EndpointCheck) {
  return {
    allowed: check.allowed,
    from: endpointToJson(check.from),
    to: endpointToJson(check.to),
    port: check.port.port,
    protocol: check.port.protocol,
    servicePort: check.servicePort
      ? {
          name: check.servicePort.name ?? null,
          port: check.servicePort.port,
          targetPort: check.servicePort.targetPort,
          protocol: check.servicePort.protocol,
        }
      : null,
    reason: check.reason ?? null,
    /** What the verdict rests on that the input does not say (made-up addresses, hostNetwork). */
    caveats: checkCaveats(check),
    pairs: check.pairs.map((pair) => ({
      from: peerName(pair.source),
      to: peerName(pair.destination),
      port: pair.verdict.port ?? pair.port.port,
      protocol: pair.port.protocol,
      allowed: pair.verdict.allowed,
      note: pair.verdict.note ?? null,
      egress: sideToJson(pair.verdict.egress, pair.source),
      ingress: sideToJson(pair.verdict.ingress, pair.destination),
    })),
  };
}

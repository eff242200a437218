import type { Protocol } from '@netpol/core';
import { formatRange } from './ipv4.js';
import type { DataplanePlan, DirectionPlan, PortRange } from './plan.js';
import type { ServicePlan } from './services.js';

export interface RenderOptions {
  enforce: boolean;
  table: string;
}

/**
 * The parts of the ruleset that change when pods come, go or change labels while the policies
 * stay: elements of the pod-keyed maps and sets, the per-Service NAT chains and the port
 * profile sets and chains. Everything else (the skeleton) only changes with the policies.
 */
export interface RulesetParts {
  /** Element maps and sets: name → element key → value ('' in a set). */
  elements: Map<string, Map<string, string>>;
  /** Chains named after a Service port or a port profile: name → comment and rules. */
  chains: Map<string, { comment?: string; rules: string[] }>;
  /** Port profile sets: name → elements (never change once made). */
  portSets: Map<string, string[]>;
}

const NFT_PROTOCOL: Record<Protocol, string> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };
export const PORT_SET_TYPE = 'type inet_proto . inet_service; flags interval;';
/** Above this many pods, element lines carry no `# ns/pod` comments (they cost parse time). */
const COMMENT_PODS_UP_TO = 256;

/** `svc_198_19_0_10_udp_53`: stable across updates, unlike an index. */
export function serviceChainName(s: ServicePlan): string {
  return `svc_${s.clusterIP.replaceAll('.', '_')}_${NFT_PROTOCOL[s.protocol]}_${s.port}`;
}

/**
 * The parts of a plan's ruleset. With `only`, the maps keyed by pod IP hold just those IPs
 * (enough to compare two plans that differ in those pods alone).
 */
/** The one rule of a Service port's chain. */
export function serviceRule(s: ServicePlan): string {
  const arms = s.endpoints.map((e, i) => `${i} : ${e.ip} . ${e.port}`).join(', ');
  return `meta l4proto ${NFT_PROTOCOL[s.protocol]} dnat ip to numgen random mod ${s.endpoints.length} map { ${arms} }`;
}

export function serviceKey(s: ServicePlan): string {
  return `${s.clusterIP} . ${NFT_PROTOCOL[s.protocol]} . ${s.port}`;
}

/** The verdict of an allow map element. */
export function allowVerdict(v: 'all' | number): string {
  return v === 'all' ? 'return' : `goto allow_ports_${v}`;
}

export function profileEntries(ranges: readonly PortRange[]): string[] {
  return ranges.map((r) => `${NFT_PROTOCOL[r.protocol]} . ${r.first === r.last ? r.first : `${r.first}-${r.last}`}`);
}

export function profileRules(id: number): string[] {
  return [`meta l4proto . th dport @ports_${id} return`, 'drop comment "port not allowed"'];
}

export function rulesetParts(plan: DataplanePlan, options: RenderOptions, only?: ReadonlySet<string>): RulesetParts {
  const elements = new Map<string, Map<string, string>>();
  const chains = new Map<string, { comment?: string; rules: string[] }>();
  const portSets = new Map<string, string[]>();

  const services = new Map<string, string>();
  const hairpin = new Map<string, string>();
  for (const s of plan.services) {
    const name = serviceChainName(s);
    services.set(`${s.clusterIP} . ${NFT_PROTOCOL[s.protocol]} . ${s.port}`, `goto ${name}`);
    const arms = s.endpoints.map((e, i) => `${i} : ${e.ip} . ${e.port}`).join(', ');
    chains.set(name, {
      comment: s.name,
      rules: [
        `meta l4proto ${NFT_PROTOCOL[s.protocol]} dnat ip to numgen random mod ${s.endpoints.length} map { ${arms} }`,
      ],
    });
    for (const e of s.endpoints) hairpin.set(`${e.ip} . ${e.ip}`, '');
  }
  elements.set('services', services);
  elements.set('hairpin', hairpin);

  if (options.enforce) {
    for (const d of [plan.egress, plan.ingress]) {
      const p = d.direction;
      const byIp = (source: Map<string, number>) => new Map([...source].map(([ip, c]) => [ip, String(c)]));
      elements.set(`${p}_subject`, byIp(d.subjects));
      elements.set(`${p}_peer_pod`, byIp(d.podPeers));
      elements.set(`${p}_allow`, new Map([...d.allow].map(([pair, v]) => [pair, allowVerdict(v)])));
    }
    for (const profile of [...plan.profiles.values()].sort((a, b) => a.id - b.id)) {
      portSets.set(
        `ports_${profile.id}`,
        profile.ranges.map(
          (r) => `${NFT_PROTOCOL[r.protocol]} . ${r.first === r.last ? r.first : `${r.first}-${r.last}`}`,
        ),
      );
      chains.set(`allow_ports_${profile.id}`, {
        rules: [`meta l4proto . th dport @ports_${profile.id} return`, 'drop comment "port not allowed"'],
      });
    }
  }
  return { elements, chains, portSets };
}

/**
 * The nft script: deletes and recreates the table in one batch. With `skeleton`, only what
 * element and Service/profile chain changes cannot update: no elements of the element maps,
 * no Service or profile chains, no `#` comments (the kernel never sees those).
 */
export function renderRuleset(plan: DataplanePlan, options: RenderOptions, skeleton = false): string {
  const t = options.table;
  const parts = rulesetParts(plan, options);
  const comments = !skeleton && plan.podIds.size <= COMMENT_PODS_UP_TO;
  const lines: string[] = [
    '# netpol lab dataplane, generated by compileRuleset: Service NAT and NetworkPolicy filtering.',
    '# One atomic batch: the empty table makes the delete safe when the table does not exist yet.',
    `table inet ${t} {`,
    '}',
    `delete table inet ${t}`,
    `table inet ${t} {`,
  ];
  const push = (indent: number, text: string) => lines.push(`${'\t'.repeat(indent)}${text}`);
  const elementBlock = (entries: readonly string[]) => {
    if (entries.length === 0) return;
    push(2, 'elements = {');
    for (const e of entries) push(3, `${e},`);
    push(2, '}');
  };
  const mapBlock = (name: string) => {
    if (skeleton) return;
    const entries = [...(parts.elements.get(name) ?? [])];
    if (entries.length === 0) return;
    push(2, 'elements = {');
    for (const [key, value] of entries) {
      const ip = key.split(' ')[0];
      const note = comments && plan.podIds.has(ip) ? ` # ${plan.podIds.get(ip)}` : '';
      push(3, `${value === '' ? key : `${key} : ${value}`},${note}`);
    }
    push(2, '}');
  };

  push(1, '# Service NAT: ClusterIP:port/protocol → one backing pod IP:targetPort, chosen at random.');
  push(1, 'map services {');
  push(2, 'type ipv4_addr . inet_proto . inet_service : verdict');
  mapBlock('services');
  push(1, '}');
  push(1, '# A pod reaching itself through its own Service (hairpin): source and destination are its IP.');
  push(1, 'set hairpin {');
  push(2, 'type ipv4_addr . ipv4_addr');
  mapBlock('hairpin');
  push(1, '}');
  push(1, 'chain prerouting {');
  push(2, 'type nat hook prerouting priority dstnat; policy accept;');
  push(2, 'ip daddr . meta l4proto . th dport vmap @services');
  push(1, '}');
  push(1, 'chain postrouting {');
  push(2, 'type nat hook postrouting priority srcnat; policy accept;');
  push(2, 'ct status dnat ip saddr . ip daddr @hairpin masquerade comment "hairpin: the pod answers the node"');
  push(1, '}');

  if (options.enforce) {
    push(1, '# NetworkPolicy: a new connection passes the egress check of its source pod, then the');
    push(1, '# ingress check of its destination pod; each check is a fixed number of map lookups.');
    for (const d of [plan.egress, plan.ingress]) {
      const p = d.direction;
      const other = p === 'egress' ? 'daddr' : 'saddr';
      if (!skeleton) describeClasses(d, plan.policyIds, push);
      push(1, `map ${p}_subject {`);
      push(2, `comment ${quote(`pod IP → ${p} class (pods isolated for ${p})`)}`);
      push(2, 'type ipv4_addr : mark');
      mapBlock(`${p}_subject`);
      push(1, '}');
      push(1, `map ${p}_peer_net {`);
      push(2, `comment ${quote(`any IPv4 → ${p} peer class, cut at ipBlock boundaries`)}`);
      push(2, 'type ipv4_addr : mark');
      push(2, 'flags interval');
      elementBlock(d.netPeers.map((n) => `${formatRange(n.range)} : ${n.peer}`));
      push(1, '}');
      push(1, `map ${p}_peer_pod {`);
      push(2, `comment ${quote(`pod IP → ${p} peer class (overrides ${p}_peer_net)`)}`);
      push(2, 'type ipv4_addr : mark');
      mapBlock(`${p}_peer_pod`);
      push(1, '}');
      push(1, `map ${p}_allow {`);
      push(2, `comment ${quote(`${p} class . peer class → allowed ports; absent = denied`)}`);
      push(2, 'type mark . mark : verdict');
      mapBlock(`${p}_allow`);
      push(1, '}');
      push(1, `chain ${p} {`);
      push(2, `ct mark set ip ${other} map @${p}_peer_net`);
      push(2, `ct mark set ip ${other} map @${p}_peer_pod`);
      push(2, `meta mark . ct mark vmap @${p}_allow`);
      push(2, `drop comment ${quote(`denied by ${p} policy`)}`);
      push(1, '}');
    }
    push(1, 'chain forward {');
    push(2, 'type filter hook forward priority filter; policy accept;');
    push(2, 'ct state established,related accept');
    push(2, 'ct state invalid drop');
    push(2, 'ct status dnat ip saddr . ip daddr @hairpin accept comment "a pod to itself is always allowed"');
    push(2, 'meta mark set ip saddr map @egress_subject');
    push(2, 'meta mark != 0 jump egress');
    push(2, 'meta mark set 0');
    push(2, 'meta mark set ip daddr map @ingress_subject');
    push(2, 'meta mark != 0 jump ingress');
    push(1, '}');
  }

  if (!skeleton) {
    if (parts.portSets.size > 0) push(1, '# Port profiles: the ports a (class, peer class) pair may use.');
    for (const [name, entries] of parts.portSets) {
      push(1, `set ${name} {`);
      push(2, 'type inet_proto . inet_service');
      push(2, 'flags interval');
      elementBlock(entries);
      push(1, '}');
    }
    for (const [name, chain] of parts.chains) {
      push(1, `chain ${name} {`);
      if (chain.comment !== undefined) push(2, `comment ${quote(chain.comment)}`);
      for (const rule of chain.rules) push(2, rule);
      push(1, '}');
    }
  }
  lines.push('}', '');
  const text = lines.join('\n');
  return skeleton ? text.replace(/^\s*#.*\n/gm, '') : text;
}

/** Comment lines naming the policies behind each class, for people reading the text. */
function describeClasses(
  d: DirectionPlan,
  policyIds: readonly string[],
  push: (indent: number, text: string) => void,
): void {
  for (const c of [...d.subjectClasses.values()].sort((a, b) => a.id - b.id)) {
    const names = c.policies.map((i) => policyIds[i]);
    const text = names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
    push(1, `# ${d.direction} class ${c.id}: selected by ${text}`);
  }
}

export function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '').slice(0, 120)}"`;
}

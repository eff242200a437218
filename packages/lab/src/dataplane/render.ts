import type { Protocol } from '@netpol/core';
import { first } from '@netpol/core';
import { formatRange } from './ipv4.js';
import type { DataplanePlan, DirectionPlan, PortRange, TierDirectionPlan, TierSegment } from './plan-types.js';
import { NFT_PROTOCOL, natChainName, type ServicePlan } from './services.js';

export { natChainName } from './services.js';

export interface RenderOptions {
  enforce: boolean;
  table: string;
  /** Stored in set `generation`: what `updateRuleset` checks before changing elements. */
  generation?: string;
}

export const PORT_SET_TYPE = 'type inet_proto . inet_service; flags interval;';
/** Above this many pods, element lines carry no `# ns/pod` comments (they cost parse time). */
const COMMENT_PODS_UP_TO = 256;

export function serviceKey(s: ServicePlan): string {
  return `${s.clusterIP} . ${NFT_PROTOCOL[s.protocol]} . ${s.port}`;
}

export function natChainRule(protocol: Protocol, n: number): string {
  const p = NFT_PROTOCOL[protocol];
  // The endpoint index goes through meta mark because the map cannot be declared with a
  // numgen `typeof` key: nft 1.0.6 then refuses any later `add rule` that looks it up
  // ("conflicting protocols specified: tcp vs. th"), which element updates need.
  return `meta l4proto ${p} meta mark set numgen random mod ${n} dnat ip to ip daddr . meta l4proto . th dport . meta mark map @endpoints`;
}

/** Elements of the `endpoints` map for one Service port: `key . i` → pod IP . targetPort. */
export function endpointElements(s: ServicePlan): [string, string][] {
  const key = serviceKey(s);
  return s.endpoints.map((e, i) => [`${key} . ${i}`, `${e.ip} . ${e.port}`]);
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

/** The elements of one tier's verdict map for a pair of tier classes. */
export function* tierElements(pair: string, segments: readonly TierSegment[]): Generator<[string, string]> {
  for (const seg of segments) {
    const ports = seg.first === seg.last ? `${seg.first}` : `${seg.first}-${seg.last}`;
    yield [`${pair} . ${NFT_PROTOCOL[seg.protocol]} . ${ports}`, seg.verdict];
  }
}

/** The elements of an element map or set, as `[key, value]` ('' value in a set). */
export function* elementEntries(plan: DataplanePlan, name: string): Generator<[string, string]> {
  switch (name) {
    case 'services':
      for (const s of plan.services) yield [serviceKey(s), `goto ${natChainName(s)}`];
      return;
    case 'endpoints':
      for (const s of plan.services) yield* endpointElements(s);
      return;
    case 'hairpin': {
      const seen = new Set<string>();
      for (const s of plan.services) {
        for (const e of s.endpoints) {
          if (seen.has(e.ip)) continue;
          seen.add(e.ip);
          yield [`${e.ip} . ${e.ip}`, ''];
        }
      }
      return;
    }
  }
  const tier = /^(egress|ingress)_(tier_subject|tier_peer_pod|admin|baseline)$/.exec(name);
  if (tier) {
    const t = plan.tiers?.[tier[1] as 'egress' | 'ingress'];
    if (!t) return;
    if (tier[2] === 'tier_subject') for (const [ip, c] of t.subjects) yield [ip, String(c)];
    else if (tier[2] === 'tier_peer_pod') for (const [ip, c] of t.podPeers) yield [ip, String(c)];
    else for (const [pair, v] of t.pairs) yield* tierElements(pair, tier[2] === 'admin' ? v.admin : v.baseline);
    return;
  }
  const d = name.startsWith('egress_') ? plan.egress : plan.ingress;
  if (name.endsWith('_subject')) for (const [ip, c] of d.subjects) yield [ip, String(c)];
  else if (name.endsWith('_peer_pod')) for (const [ip, c] of d.podPeers) yield [ip, String(c)];
  else if (name.endsWith('_allow')) for (const [pair, v] of d.allow) yield [pair, allowVerdict(v)];
}

/** Chains and sets that come and go with endpoint counts and port profiles: name → rules. */
function dynamicObjects(plan: DataplanePlan, options: RenderOptions) {
  const chains = new Map<string, string[]>();
  const portSets = new Map<string, string[]>();
  for (const s of plan.services) {
    const name = natChainName(s);
    if (!chains.has(name)) chains.set(name, [natChainRule(s.protocol, s.endpoints.length)]);
  }
  if (options.enforce) {
    for (const profile of [...plan.profiles.values()].sort((a, b) => a.id - b.id)) {
      portSets.set(`ports_${profile.id}`, profileEntries(profile.ranges));
      chains.set(`allow_ports_${profile.id}`, profileRules(profile.id));
    }
  }
  return { chains, portSets };
}

/** Where the script's lines go, at an indent, with the element blocks of sets and maps. */
interface Writer {
  push(indent: number, text: string): void;
  /** `elements = { ... }` of these entries (nothing when there are none). */
  elementBlock(entries: readonly string[]): void;
  /** The elements of a plan's element map or set (`elementEntries`), `# ns/pod` noted when small. */
  mapBlock(name: string): void;
}

/**
 * The nft script: deletes and recreates the table in one batch. With `skeleton`, only what
 * element and Service/profile chain changes cannot update: no elements of the element maps,
 * no Service or profile chains, no `#` comments (the kernel never sees those).
 */
export function renderRuleset(plan: DataplanePlan, options: RenderOptions, skeleton = false): string {
  const t = options.table;
  const lines: string[] = [
    '# netpol lab dataplane, generated by compileRuleset: Service NAT and NetworkPolicy filtering.',
    '# One atomic batch: the empty table makes the delete safe when the table does not exist yet.',
    `table inet ${t} {`,
    '}',
    `delete table inet ${t}`,
    `table inet ${t} {`,
  ];
  const w = writer(lines, plan, skeleton);
  renderServiceNat(w, skeleton ? undefined : options.generation);
  if (options.enforce) {
    w.push(1, '# NetworkPolicy: a new connection passes the egress check of its source pod, then the');
    w.push(1, '# ingress check of its destination pod; each check is a fixed number of map lookups.');
    for (const d of [plan.egress, plan.ingress]) renderDirection(d, plan, w, skeleton);
    if (plan.tiers) for (const d of [plan.tiers.egress, plan.tiers.ingress]) renderTiers(d, w);
    renderFilterHooks(plan, w);
  }
  if (!skeleton) renderDynamic(plan, options, w);
  lines.push('}', '');
  const text = lines.join('\n');
  return skeleton ? text.replace(/^\s*#.*\n/gm, '') : text;
}

function writer(lines: string[], plan: DataplanePlan, skeleton: boolean): Writer {
  const comments = !skeleton && plan.podIds.size <= COMMENT_PODS_UP_TO;
  const serviceNames = new Map(plan.services.map((s) => [serviceKey(s), s.name]));
  const push = (indent: number, text: string) => lines.push(`${'\t'.repeat(indent)}${text}`);
  return {
    push,
    elementBlock(entries) {
      if (entries.length === 0) return;
      push(2, 'elements = {');
      for (const e of entries) push(3, `${e},`);
      push(2, '}');
    },
    mapBlock(name) {
      if (skeleton) return;
      let open = false;
      for (const [key, value] of elementEntries(plan, name)) {
        if (!open) {
          lines.push('\t\telements = {');
          open = true;
        }
        let note = '';
        if (comments) {
          const ip = first((name === 'endpoints' ? value : key).split(' '));
          const named = name === 'services' ? serviceNames.get(key) : plan.podIds.get(ip);
          if (named) note = ` # ${named}`;
        }
        lines.push(value === '' ? `\t\t\t${key},${note}` : `\t\t\t${key} : ${value},${note}`);
      }
      if (open) lines.push('\t\t}');
    },
  };
}

/** Service NAT (maps, hairpin, the ruleset's generation) and its two nat chains. */
function renderServiceNat({ push, mapBlock }: Writer, generation: string | undefined): void {
  push(1, '# Service NAT: ClusterIP . protocol . port → the NAT chain for its endpoint count, which');
  push(1, '# picks endpoint i at random and translates to `endpoints[ClusterIP . protocol . port . i]`.');
  push(1, 'map services {');
  push(2, 'type ipv4_addr . inet_proto . inet_service : verdict');
  mapBlock('services');
  push(1, '}');
  push(1, 'map endpoints {');
  push(2, 'type ipv4_addr . inet_proto . inet_service . mark : ipv4_addr . inet_service');
  mapBlock('endpoints');
  push(1, '}');
  push(1, '# A pod reaching itself through its own Service (hairpin): source and destination are its IP.');
  push(1, 'set hairpin {');
  push(2, 'type ipv4_addr . ipv4_addr');
  mapBlock('hairpin');
  push(1, '}');
  push(1, '# Which ruleset this is: an element update first swaps it, so it fails on a wrong base.');
  push(1, 'set generation {');
  push(2, 'type ifname');
  if (generation !== undefined) push(2, `elements = { ${quote(generation)} }`);
  push(1, '}');
  push(1, 'chain prerouting {');
  push(2, 'type nat hook prerouting priority dstnat; policy accept;');
  push(2, 'ip daddr . meta l4proto . th dport vmap @services');
  push(1, '}');
  push(1, 'chain postrouting {');
  push(2, 'type nat hook postrouting priority srcnat; policy accept;');
  push(2, 'ct status dnat ip saddr . ip daddr @hairpin masquerade comment "hairpin: the pod answers the node"');
  push(1, '}');
}

/** One direction's NetworkPolicy maps and the chain that looks them up. */
function renderDirection(d: DirectionPlan, plan: DataplanePlan, w: Writer, skeleton: boolean): void {
  const { push, mapBlock, elementBlock } = w;
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

/**
 * The filter hooks. Pods reach the node's own address (198.18.0.1, what Node objects stand for
 * in the lab: `nodes` peers): that is input here, not forward; only the source's egress
 * applies, as to any address (an egress-isolated pod reaches its node only where a rule admits
 * it: docs/node-traffic.md). The node's own connections to pods (output) are never filtered:
 * the pod's node may always reach it.
 */
function renderFilterHooks(plan: DataplanePlan, { push }: Writer): void {
  push(1, 'chain input {');
  push(2, 'type filter hook input priority filter; policy accept;');
  push(2, 'ct state established,related accept');
  push(2, 'meta mark set 0');
  if (plan.tiers) push(2, 'jump egress_tiers');
  else {
    push(2, 'meta mark set ip saddr map @egress_subject');
    push(2, 'meta mark != 0 jump egress');
  }
  push(1, '}');
  push(1, 'chain forward {');
  push(2, 'type filter hook forward priority filter; policy accept;');
  push(2, 'ct state established,related accept');
  push(2, 'ct state invalid drop');
  push(2, 'ct status dnat ip saddr . ip daddr @hairpin accept comment "a pod to itself is always allowed"');
  push(2, 'meta mark set 0 comment "the NAT chains left the endpoint index in it"');
  if (plan.tiers) {
    push(2, 'jump egress_tiers');
    push(2, 'jump ingress_tiers');
  } else {
    push(2, 'meta mark set ip saddr map @egress_subject');
    push(2, 'meta mark != 0 jump egress');
    push(2, 'meta mark set 0');
    push(2, 'meta mark set ip daddr map @ingress_subject');
    push(2, 'meta mark != 0 jump ingress');
  }
  push(1, '}');
}

/** Port profile sets and the Service NAT and profile chains (`dynamicObjects`). */
function renderDynamic(plan: DataplanePlan, options: RenderOptions, { push, elementBlock }: Writer): void {
  const parts = dynamicObjects(plan, options);
  if (parts.portSets.size > 0) push(1, '# Port profiles: the ports a (class, peer class) pair may use.');
  for (const [name, entries] of parts.portSets) {
    push(1, `set ${name} {`);
    push(2, 'type inet_proto . inet_service');
    push(2, 'flags interval');
    elementBlock(entries);
    push(1, '}');
  }
  if (parts.chains.size > 0) push(1, '# Chains for Service NAT by endpoint count, and for port profiles.');
  for (const [name, rules] of parts.chains) {
    push(1, `chain ${name} {`);
    for (const rule of rules) push(2, rule);
    push(1, '}');
  }
}

/**
 * One direction's admin tiers: the class maps, the two verdict maps, and the chain the forward
 * chain jumps to, which runs the tiers in order. `return` (from a verdict map, or from the
 * NetworkPolicy chain reached by `goto`) ends this side allowed; `drop` ends the connection;
 * falling off the end is the default (allowed).
 */
function renderTiers(d: TierDirectionPlan, { push, mapBlock, elementBlock }: Writer): void {
  const p = d.direction;
  const [self, other] = p === 'egress' ? ['saddr', 'daddr'] : ['daddr', 'saddr'];
  push(1, `map ${p}_tier_subject {`);
  push(2, `comment ${quote(`pod IP → ${p} tier class (pods an admin or baseline policy selects)`)}`);
  push(2, 'type ipv4_addr : mark');
  mapBlock(`${p}_tier_subject`);
  push(1, '}');
  push(1, `map ${p}_tier_peer_net {`);
  push(2, `comment ${quote(`any IPv4 → ${p} tier peer class, cut at networks and node addresses`)}`);
  push(2, 'type ipv4_addr : mark');
  push(2, 'flags interval');
  elementBlock(d.netPeers.map((n) => `${formatRange(n.range)} : ${n.peer}`));
  push(1, '}');
  push(1, `map ${p}_tier_peer_pod {`);
  push(2, `comment ${quote(`pod IP → ${p} tier peer class (overrides ${p}_tier_peer_net)`)}`);
  push(2, 'type ipv4_addr : mark');
  mapBlock(`${p}_tier_peer_pod`);
  push(1, '}');
  d.domainSteps.forEach((step, i) => {
    const names = d.context.domainPeers[i]?.names ?? [];
    push(1, `set ${p}_fqdn_${i} {`);
    push(2, `comment ${quote(`addresses the lab DNS answered for ${names.join(', ')} (timeout: the answer's TTL)`)}`);
    push(2, 'type ipv4_addr');
    push(2, 'flags timeout');
    push(1, '}');
    push(1, `map ${p}_fqdn_${i}_class {`);
    push(2, `comment ${quote(`${p} tier peer class → the same with the domainNames peer matched`)}`);
    push(2, 'type mark : mark');
    elementBlock([...step].map(([from, to]) => `${from} : ${to}`));
    push(1, '}');
  });
  for (const tier of ['admin', 'baseline']) {
    push(1, `map ${p}_${tier} {`);
    push(2, `comment ${quote(`${tier} tier, first match compiled: class . peer class . protocol . port → verdict`)}`);
    push(2, 'type mark . mark . inet_proto . inet_service : verdict');
    push(2, 'flags interval');
    mapBlock(`${p}_${tier}`);
    push(1, '}');
  }
  const lookup = (tier: string) => [
    `meta mark set ip ${self} map @${p}_tier_subject`,
    `meta mark != 0 ct mark set ip ${other} map @${p}_tier_peer_net`,
    `meta mark != 0 ct mark set ip ${other} map @${p}_tier_peer_pod`,
    ...d.domainSteps.map(
      (_, i) => `meta mark != 0 ip ${other} @${p}_fqdn_${i} ct mark set ct mark map @${p}_fqdn_${i}_class`,
    ),
    `meta mark != 0 meta mark . ct mark . meta l4proto . th dport vmap @${p}_${tier}`,
  ];
  push(1, `chain ${p}_tiers {`);
  push(2, 'meta mark set 0');
  for (const rule of lookup('admin')) push(2, rule);
  push(2, 'meta mark set 0');
  push(2, `meta mark set ip ${self} map @${p}_subject`);
  push(2, `meta mark != 0 goto ${p} comment ${quote(`isolated for ${p} by NetworkPolicy: its verdict is final`)}`);
  for (const rule of lookup('baseline')) push(2, rule);
  push(1, '}');
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

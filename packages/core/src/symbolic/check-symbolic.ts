import { at, first } from '../at.js';
import { createReferenceEngine } from '../engine/reference-engine.js';
import type { Peer, PortQuery, SideVerdict, Verdict } from '../engine/types.js';
import { type Cidr, parseCidr } from '../model/cidr.js';
import type { ClusterModel, PolicyModel } from '../model/types.js';
import { pickAddress } from './address-space.js';
import { endpointClasses, inBlock, originalPolicies } from './endpoint-classes.js';
import type { SymbolicEndpoint } from './symbolic-endpoint.js';
import { computeSymbolicSpace } from './symbolic-space.js';

export interface SymbolicPair {
  /** Class descriptions (or an outside address and what it stands for). */
  from: string;
  to: string;
  source: Peer;
  destination: Peer;
  verdict: Verdict;
}

export interface SymbolicCheck {
  /** Every pod (and address) the endpoints stand for may connect. */
  allowed: boolean;
  /** One pair per (source class, destination class) that can exist together. */
  pairs: SymbolicPair[];
  notes: string[];
}

/** Documentation addresses first, so an outside representative reads as one. */
const PREFERRED = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/24'].map((c) => parseCidr(c) as Cidr);

/**
 * `check --from 'prod/{app=web}' --to '*\/{role=db}'`: the classes of the policies' atoms and
 * the endpoints' own selectors (so each class lies wholly inside or outside an endpoint),
 * every class pair judged on witnesses by the reference engine. Allowed when every pair is.
 * Undefined when an endpoint can match no pod at all.
 */
export function checkSymbolic(
  cluster: ClusterModel,
  from: SymbolicEndpoint,
  to: SymbolicEndpoint,
  port: PortQuery,
): { ok: true; value: SymbolicCheck } | { ok: false; endpoint: 'from' | 'to' } {
  const endpoints = [from, to];
  const space = computeSymbolicSpace([cluster], {
    atoms: {
      pods: endpoints.flatMap((e) => (e.kind === 'pods' ? [e.atom] : [])),
      ipBlocks: endpoints.flatMap((e) => (e.kind === 'pods' ? (e.address ? [e.address] : []) : [e.block])),
      portNames: typeof port.port === 'string' ? [{ name: port.port, protocol: port.protocol }] : [],
    },
  });
  const members = (e: SymbolicEndpoint): { id: string; peers: Peer[]; cls?: number }[] => {
    if (e.kind === 'outside') {
      return space.addresses
        .map((a) => pickAddress(a, PREFERRED))
        .filter((ip) => inBlock(e.block, ip))
        .map((ip) => ({ id: ip, peers: [{ kind: 'external', ip }] }));
    }
    return endpointClasses(space, e).map((i) => ({ id: at(space.classes, i).id, peers: [], cls: i }));
  };
  const sources = members(from);
  if (sources.length === 0) return { ok: false, endpoint: 'from' };
  const destinations = members(to);
  if (destinations.length === 0) return { ok: false, endpoint: 'to' };
  const engine = createReferenceEngine(space.witnessCluster(cluster));
  // Namespace variants run on copies of their namespace's policies (`ns~2/p`): report the originals.
  const originals = originalPolicies(cluster);
  const raw: (SymbolicPair & { s: string; d: string })[] = [];
  for (const s of sources) {
    for (const d of destinations) {
      const peers = witnessPeers(space, s, d);
      if (!peers) continue; // two label sets of one namespace: never together
      const [source, destination] = peers;
      if (source.kind === 'external' && destination.kind === 'external') continue;
      const verdict = engine.check(source, destination, port);
      const key = (m: { id: string; cls?: number }) => (m.cls === undefined ? `x:${m.id}` : `c:${m.cls}`);
      raw.push({
        from: s.id,
        to: d.id,
        s: key(s),
        d: key(d),
        source,
        destination,
        verdict: withOriginals(verdict, originals),
      });
    }
  }
  // Pairs decided the same way, for the same reasons, print once: destinations first, then sources.
  const reason = (p: SymbolicPair) => {
    const side = (v: SideVerdict) => [
      v.allowed,
      v.selectedBy.map((x) => x.id),
      v.allowedBy.map((r) => `${r.policy.id}:${r.direction}:${r.ruleIndex}`),
    ];
    return JSON.stringify([p.verdict.allowed, p.verdict.note ?? '', side(p.verdict.egress), side(p.verdict.ingress)]);
  };
  const text = (keys: readonly string[]) => {
    const classes = keys.filter((k) => k.startsWith('c:')).map((k) => Number(k.slice(2)));
    const outside = keys.filter((k) => k.startsWith('x:')).map((k) => k.slice(2));
    return [...(classes.length > 0 ? [space.describeUnion(classes)] : []), ...outside].join(' | ');
  };
  const byDestinations = new Map<string, { from: string[]; to: string[]; first: SymbolicPair }>();
  const bySource = new Map<string, Map<string, { to: string[]; first: SymbolicPair }>>();
  for (const p of raw) {
    const row = bySource.get(p.s) ?? new Map<string, { to: string[]; first: SymbolicPair }>();
    bySource.set(p.s, row);
    const r = reason(p);
    const entry = row.get(r) ?? { to: [], first: p };
    entry.to.push(p.d);
    row.set(r, entry);
  }
  for (const [s, row] of bySource) {
    for (const [r, entry] of row) {
      const key = `${[...entry.to].sort().join(',')}\n${r}`;
      const group = byDestinations.get(key) ?? { from: [], to: entry.to, first: entry.first };
      group.from.push(s);
      byDestinations.set(key, group);
    }
  }
  const pairs: SymbolicPair[] = [...byDestinations.values()].map((g) => ({
    from: text(g.from),
    to: text(g.to),
    source: g.first.source,
    destination: g.first.destination,
    verdict: g.first.verdict,
  }));
  return { ok: true, value: { allowed: pairs.every((p) => p.verdict.allowed), pairs, notes: space.notes } };
}

function witnessPeers(
  space: ReturnType<typeof computeSymbolicSpace>,
  s: { peers: Peer[]; cls?: number },
  d: { peers: Peer[]; cls?: number },
): [Peer, Peer] | undefined {
  const pod = (w: number): Peer => ({ kind: 'pod', pod: at(space.witnesses, w).pod });
  if (s.cls === undefined || d.cls === undefined) {
    const one = (m: { peers: Peer[]; cls?: number }) =>
      m.cls === undefined ? first(m.peers) : pod(at(space.classes, m.cls).witness);
    return [one(s), one(d)];
  }
  const a = at(space.classes, s.cls);
  const b = at(space.classes, d.cls);
  if (s.cls === d.cls) return [pod(a.witness), pod(a.twin)];
  for (const x of a.witnesses) for (const y of b.witnesses) if (space.compatible(x, y)) return [pod(x), pod(y)];
  return undefined;
}

function withOriginals(verdict: Verdict, original: (policy: PolicyModel) => PolicyModel): Verdict {
  const side = (s: SideVerdict): SideVerdict => ({
    ...s,
    selectedBy: s.selectedBy.map(original),
    allowedBy: s.allowedBy.map((ref) => ({ ...ref, policy: original(ref.policy) })),
  });
  return { ...verdict, egress: side(verdict.egress), ingress: side(verdict.ingress) };
}

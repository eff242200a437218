import type { PodModel, PortModel, Protocol } from '@netpol/core';
import type { CompiledRule, NamedPorts, PortRange } from './plan-types.js';

const PROTOCOL_ORDER: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2 };

/** The ports of the rules admitting a pair, merged; 'all' or undefined (none). */
export function portsOf(
  rules: readonly CompiledRule[],
  named: NamedPorts,
): { key: string; ranges: PortRange[] } | 'all' | undefined {
  const ports: PortRange[] = [];
  for (const rule of rules) {
    if (rule.ports === 'all') return 'all';
    for (const p of rule.ports) ports.push(...portRanges(p, named));
  }
  if (ports.length === 0) return undefined;
  const ranges = mergeRanges(ports);
  return { key: ranges.map((r) => `${r.protocol}:${r.first}-${r.last}`).join(','), ranges };
}

export function namedPortsOf(pod: PodModel, refs: ReadonlySet<string>): NamedPorts {
  const out = new Map<string, number[]>();
  for (const p of pod.ports) {
    if (p.name === undefined) continue;
    const key = `${p.name}/${p.protocol}`;
    if (!refs.has(key)) continue;
    const list = out.get(key) ?? [];
    if (!list.includes(p.port)) list.push(p.port);
    out.set(key, list);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

export function namedKey(named: NamedPorts): string {
  return [...named.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v.join('+')}`)
    .join(';');
}

/** A rule port as ranges; a named port resolves on the destination pod (`named`). */
function portRanges(port: PortModel, named: NamedPorts): PortRange[] {
  const protocol = port.protocol;
  if (port.port === undefined) return [{ protocol, first: 0, last: 65535 }];
  if (typeof port.port === 'number') return [{ protocol, first: port.port, last: port.endPort ?? port.port }];
  return (named.get(`${port.port}/${protocol}`) ?? []).map((n) => ({ protocol, first: n, last: n }));
}

function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort(
    (a, b) => PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol] || a.first - b.first,
  );
  const out: PortRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.protocol === r.protocol && r.first <= last.last + 1) {
      last.last = Math.max(last.last, r.last);
    } else out.push({ ...r });
  }
  return out;
}

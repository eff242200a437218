import type { EndpointView, PolicyView, Summary } from './protocol.js';

/**
 * A summary as the worker posts it: the endpoint and policy lists left out when they equal
 * the previous summary's (a what-if edit of a 10k-pod cluster keeps its 2,000 workloads and
 * policies: ~0.5 MB the page would deserialize on every keystroke). The page's client puts
 * them back from the summary it received last (`restoreSummary`), so the page sees whole
 * summaries, and the lists it keeps are the same objects.
 */
export interface SummaryWire extends Summary {
  same?: ('endpoints' | 'policies')[];
}

/** `next` as posted after `previous` (the last summary posted; undefined: none yet). */
export function elideSummary(previous: Summary | undefined, next: Summary): SummaryWire {
  if (!previous) return next;
  const same: ('endpoints' | 'policies')[] = [];
  if (sameList(previous.endpoints, next.endpoints, sameEndpoint)) same.push('endpoints');
  if (sameList(previous.policies, next.policies, samePolicy)) same.push('policies');
  if (same.length === 0) return next;
  return {
    ...next,
    ...(same.includes('endpoints') ? { endpoints: [] } : {}),
    ...(same.includes('policies') ? { policies: [] } : {}),
    same,
  };
}

/** The summary `wire` stands for, after `previous` (the last summary received). */
export function restoreSummary(previous: Summary | undefined, wire: SummaryWire): Summary {
  const { same, ...summary } = wire;
  if (!same) return summary;
  if (!previous) throw new Error('a summary that refers to an earlier one came first');
  return {
    ...summary,
    endpoints: same.includes('endpoints') ? previous.endpoints : summary.endpoints,
    policies: same.includes('policies') ? previous.policies : summary.policies,
  };
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !same(a[i] as T, b[i] as T)) return false;
  return true;
}

function sameEndpoint(a: EndpointView, b: EndpointView): boolean {
  return (
    a.id === b.id &&
    a.namespace === b.namespace &&
    a.name === b.name &&
    a.kind === b.kind &&
    a.ingressIsolated === b.ingressIsolated &&
    a.egressIsolated === b.egressIsolated &&
    a.pods === b.pods &&
    sameLabels(a.labels, b.labels)
  );
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  // Key order too: the page shows labels in their order.
  return Object.keys(b).every((key, i) => key === keys[i] && a[key] === b[key]);
}

function samePolicy(a: PolicyView, b: PolicyView): boolean {
  return (
    a.id === b.id && a.namespace === b.namespace && a.name === b.name && a.file === b.file && a.enabled === b.enabled
  );
}

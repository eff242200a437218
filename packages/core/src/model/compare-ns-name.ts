import { at } from '../at.js';

/** Endpoint order everywhere: by namespace, then name. */
export function compareNsName(a: { namespace: string; name: string }, b: { namespace: string; name: string }): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * `items.sort(compareNsName)`, the same order (stable), in fewer comparisons: grouped by
 * namespace first, each group sorted by name. Sorting 150,000 pods compared namespaces
 * 2.5 million times; a namespace holds tens of pods.
 */
export function sortByNsName<T extends { namespace: string; name: string }>(items: T[]): T[] {
  const groups = new Map<string, T[]>();
  // Indexed loops: run once per load on 150,000 pods, mostly before they are optimized.
  for (let k = 0; k < items.length; k++) {
    const item = at(items, k);
    const group = groups.get(item.namespace);
    if (group) group.push(item);
    else groups.set(item.namespace, [item]);
  }
  const namespaces = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let next = 0;
  for (const namespace of namespaces) {
    const group = groups.get(namespace) as T[];
    if (group.length > 1) group.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (let k = 0; k < group.length; k++) items[next++] = at(group, k);
  }
  return items;
}

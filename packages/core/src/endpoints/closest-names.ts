import { at } from '../at.js';
/**
 * Candidates sorted by closeness to `input`, for "did you mean": substrings first, then by
 * edit distance of the whole name or of the bare object name (`ns/`, `[Kind]` and
 * `.ns.svc.cluster.local` stripped), so `default/frontend` finds `app/frontend[Deployment]`.
 */
export function closestNames(input: string, candidates: readonly string[], count = 3): string[] {
  const needle = input.toLowerCase();
  const needleName = bareName(needle);
  return [...new Set(candidates)]
    .map((c) => {
      const lower = c.toLowerCase();
      const name = bareName(lower);
      const d = Math.min(editDistance(needle, lower), editDistance(needleName, name) + 1);
      const contains = lower.includes(needle) || needle.includes(lower);
      const nameContains = needleName !== '' && name !== '' && (name.includes(needleName) || needleName.includes(name));
      return { c, d: d - (contains ? 100 : nameContains ? 50 : 0) };
    })
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0))
    .slice(0, count)
    .map((x) => x.c);
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    // prev[0] holds the previous row's first cell, which is i - 1.
    let diag = i - 1;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      // j is within 1..b.length and prev has b.length + 1 cells.
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return at(prev, b.length);
}

function bareName(name: string): string {
  return name
    .replace(/^[^/]*\//, '')
    .replace(/\[[^\]]*\]$/, '')
    .replace(/\.[^.]+(\.svc(\.cluster\.local)?)?\.?$/, '');
}

/** Candidates sorted by closeness to `input` (edit distance, substrings first), for "did you mean". */
export function closestNames(input: string, candidates: readonly string[], count = 3): string[] {
  const needle = input.toLowerCase();
  return [...new Set(candidates)]
    .map((c) => {
      const lower = c.toLowerCase();
      return { c, d: editDistance(needle, lower) - (lower.includes(needle) || needle.includes(lower) ? 100 : 0) };
    })
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0))
    .slice(0, count)
    .map((x) => x.c);
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

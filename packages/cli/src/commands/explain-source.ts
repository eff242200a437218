import type { SourceLocation } from '@netpol/core';

/** `file:line`, or '' when unknown. */
export function formatLocation(location: SourceLocation | undefined): string {
  return location ? `${location.file}:${location.line}` : '';
}

// `spec.ingress[1] (policies.yaml:12)`: check's report lives in core (the web UI says the same).
export { citeField } from '@netpol/core/format';

/** `a, b, c and 4 more`. */
export function listSome(items: readonly string[], max = 8): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

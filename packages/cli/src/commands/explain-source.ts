import { type FieldPath, formatPath, type Origin, positionOf } from '@netpol/core';

export interface SourceLocation {
  file: string;
  line: number;
}

/** file:line of a field of a model element's object (derived late, STYLE.md). */
export function locate(origin: Origin | undefined, path: FieldPath): SourceLocation | undefined {
  if (!origin) return undefined;
  const range = origin.object.locate([...origin.path, ...path]);
  if (!range) return undefined;
  return { file: origin.object.source.name, line: positionOf(origin.object.source, range[0]).line };
}

/** `file:line`, or '' when unknown. */
export function formatLocation(location: SourceLocation | undefined): string {
  return location ? `${location.file}:${location.line}` : '';
}

/** `spec.ingress[1] (policies.yaml:12)`. */
export function citeField(origin: Origin | undefined, path: FieldPath): string {
  const where = formatLocation(locate(origin, path));
  return `${formatPath(path)}${where ? ` (${where})` : ''}`;
}

/** `a, b, c and 4 more`. */
export function listSome(items: readonly string[], max = 8): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

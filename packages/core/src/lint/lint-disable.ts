import type { LoadedObject } from '../load/loaded-object.js';

/** Per-object opt-out: `metadata.annotations["netpol.dev/lint-disable"]: "rule-a,rule-b"` (or `all`). */
export const LINT_DISABLE_ANNOTATION = 'netpol.dev/lint-disable';

/** Rule ids an object opts out of (`all` or `*` = every rule). */
export function disabledRulesOf(object: LoadedObject): string[] {
  const meta = object.value.metadata;
  if (!meta || typeof meta !== 'object') return [];
  const annotations = (meta as Record<string, unknown>).annotations;
  if (!annotations || typeof annotations !== 'object') return [];
  const value = (annotations as Record<string, unknown>)[LINT_DISABLE_ANNOTATION];
  if (typeof value !== 'string') return [];
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

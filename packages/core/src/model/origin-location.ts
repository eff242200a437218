import type { FieldPath } from '../issues.js';
import { positionOf } from '../load/source.js';
import type { Origin } from './types.js';

export interface SourceLocation {
  /** The source as the user named it (`-` for stdin). */
  file: string;
  line: number;
  col: number;
}

/**
 * Where a field of a model element was written: its object's source, at the field path
 * (relative to the element's origin; the nearest existing ancestor when the field is
 * absent). Positions are derived here, late, for reports (check, explain, lint, web UI).
 */
export function originLocation(origin: Origin | undefined, path: FieldPath = []): SourceLocation | undefined {
  if (!origin) return undefined;
  const range = origin.object.locate([...origin.path, ...path]);
  if (!range) return undefined;
  const { line, col } = positionOf(origin.object.source, range[0]);
  return { file: origin.object.source.name, line, col };
}

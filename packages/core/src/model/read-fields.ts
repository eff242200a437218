import type { Protocol } from './types.js';

/** Tolerant readers for already-validated plain objects (defaults instead of surprises). */

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function labelsOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const map = obj(value);
  for (const k in map) {
    if (!Object.hasOwn(map, k)) continue;
    const v = map[k];
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

export function protocolOf(value: unknown): Protocol {
  return value === 'UDP' || value === 'SCTP' ? value : 'TCP';
}

/**
 * Whether two values read from YAML or JSON are the same: the same scalars (`Object.is`: NaN
 * is NaN, -0 is not 0), arrays of the same values, and mappings with the same keys in the
 * same order (what a model built of them shows, labels in order, follows the order read).
 * For an item read again after an edit of its lines that left its value alone (a comment, a
 * blank line): what was built of it stays.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) if (!sameValue(a[k], b[k])) return false;
    return true;
  }
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (keys.length !== others.length) return false;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (others[k] !== key) return false;
    if (!sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

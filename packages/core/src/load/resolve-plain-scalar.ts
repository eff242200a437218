import { isScalar, type ParseOptions, type ScalarTag, Schema } from 'yaml';

/**
 * A plain (unquoted) scalar → the value `yaml`'s `toJS()` gives it under YAML 1.1, as the
 * fallback loader reads it (`version: '1.1', merge: true`). The tags are the library's own,
 * tried in the library's order, so `yes`, `0x1F`, `1:30`, `.inf`, `~`, `2001-12-14` resolve
 * exactly as they would there; we only skip the tries that cannot match.
 */
const SCHEMA = new Schema({ schema: 'yaml-1.1', merge: true });
const TAGS = SCHEMA.tags.filter(
  (tag): tag is ScalarTag => !('collection' in tag && tag.collection) && tag.default === true && !!tag.test,
);
const PARSE_OPTIONS: ParseOptions = { intAsBigInt: false };

/** Thrown wherever the fast reader is not sure it reads as `yaml` does: `yaml` reads it. */
export class Decline extends Error {}

/**
 * Every YAML 1.1 tag that can match starts with a digit, a sign, `.`, `~`, `e`/`E` (`e5`
 * is a float: NaN), or is a short word (bool/null spellings have at most 5 letters:
 * `FALSE`); everything else is a string.
 * This keeps ordinary names and label values off the regex list.
 */
function mayBeTyped(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x7e) return true;
  if (c === 0x65 || c === 0x45) return true;
  return text.length <= 5 && 'yYnNtTfFoO'.includes(text.charAt(0));
}

/** The value toJS() gives: it keeps what the tag made (a timestamp stays a Date). */
export function resolvePlainScalar(text: string): unknown {
  if (!mayBeTyped(text)) return text;
  // Ports, replicas and addresses repeat: remember what the regex list said (not Dates,
  // which must be fresh objects). Cleared now and then to bound memory.
  const known = resolved.get(text);
  if (known !== undefined || resolved.has(text)) return known;
  const value = resolveTag(text);
  if (value === null || typeof value !== 'object') {
    if (resolved.size >= 10_000) resolved.clear();
    resolved.set(text, value);
  }
  return value;
}
const resolved = new Map<string, unknown>();

/** The scalar's value as the library's tag resolves it (before toJS). */
function resolveTag(text: string): unknown {
  if (!mayBeTyped(text)) return text;
  const tag = TAGS.find((t) => t.test?.test(text));
  if (!tag) return text;
  let failed = false;
  const result = tag.resolve(
    text,
    () => {
      failed = true;
    },
    PARSE_OPTIONS,
  );
  if (failed) throw new Decline();
  return isScalar(result) ? result.value : result;
}

/**
 * A plain scalar used as a mapping key, named as toJS() names it on a plain object
 * (`~` → `''`, `0x10` → `'16'`). `<<` would merge: declined.
 */
export function plainKey(text: string): string {
  if (text === '<<') throw new Decline();
  const value = resolveTag(text);
  // A timestamp key is named by the Date's toString() (with a warning): not worth it.
  if (value !== null && typeof value === 'object') throw new Decline();
  return value === null ? '' : String(value);
}

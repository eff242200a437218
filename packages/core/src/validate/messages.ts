import type { ValidationCode } from '../issue-codes.js';
import type { FieldPath, Issue } from '../issues.js';

/**
 * The one place where the API server's wording lives. Constructors mirror
 * k8s.io/apimachinery/pkg/util/validation/field (Required, Invalid, NotSupported, Forbidden,
 * TooLong, Duplicate) and format the body exactly as `field.Error.ErrorBody()` does: the
 * field path is printed by whoever prints the issue, never inside the message.
 */

/** A Go value as `ErrorBody` prints it: strings `%q`, numbers and bools `%v`. */
export type BadValue = string | number | boolean | null | GoLiteral;

/** A value printed verbatim (`%#v` of a Go slice, for example). */
export interface GoLiteral {
  goLiteral: string;
}

export function goLiteral(text: string): GoLiteral {
  return { goLiteral: text };
}

/** Go's `%q` for the strings we print (JSON escaping is the same for printable text). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

function formatValue(value: BadValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'object') return value.goLiteral;
  return String(value);
}

/**
 * The field path of the value being checked, as validators walk an object: a child's key is
 * pushed before it is checked and popped after, and each issue constructor below copies the
 * path it is given. A valid object is checked without allocating a path per field (a
 * 150,000-pod cluster has millions).
 */
export type PathStack = (string | number)[];

function issue(code: ValidationCode, path: FieldPath, message: string, severity: Issue['severity'] = 'error'): Issue {
  return { code, severity, path: [...path], message };
}

const withDetail = (head: string, detail: string) => (detail === '' ? head : `${head}: ${detail}`);

export function required(path: FieldPath, detail = ''): Issue {
  return issue('field-required', path, withDetail('Required value', detail));
}

export function invalid(path: FieldPath, value: BadValue, detail: string): Issue {
  return issue('field-invalid', path, withDetail(`Invalid value: ${formatValue(value)}`, detail));
}

/**
 * An `invalid` issue at `[...path, first, second]` for each detail a format check gave: none,
 * and no path built, for a valid value (the common case, checked millions of times a load).
 */
export function invalidEach(
  out: Issue[],
  details: readonly string[],
  value: BadValue,
  path: FieldPath,
  first: string | number,
  second?: string | number,
): void {
  for (let k = 0; k < details.length; k++) {
    const at = second === undefined ? [...path, first] : [...path, first, second];
    out.push(invalid(at, value, details[k] as string));
  }
}

export function notSupported(path: FieldPath, value: BadValue, supported: readonly string[]): Issue {
  const detail = supported.length > 0 ? `supported values: ${supported.map(quote).join(', ')}` : '';
  return issue('field-not-supported', path, withDetail(`Unsupported value: ${formatValue(value)}`, detail));
}

export function forbidden(path: FieldPath, detail: string): Issue {
  return issue('field-forbidden', path, withDetail('Forbidden', detail));
}

export function tooLong(path: FieldPath, maxBytes: number): Issue {
  return issue('field-too-long', path, `Too long: must have at most ${maxBytes} bytes`);
}

export function duplicate(path: FieldPath, value: BadValue): Issue {
  return issue('field-duplicate', path, `Duplicate value: ${formatValue(value)}`);
}

/** An API server warning (the request succeeds; kubectl prints `Warning: ...`). */
export function warning(path: FieldPath, message: string): Issue {
  return issue('field-warning', path, message, 'warning');
}

/** The same issue, located at `at` in the source (a more precise place than its path). */
export function pointAt(issue: Issue, at: FieldPath): Issue {
  return { ...issue, at: [...at] };
}

// Detail strings of k8s.io/apimachinery/pkg/util/validation.

export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

export function regexError(message: string, format: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${format}')`;
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${format}')`;
}

export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

export const EMPTY_ERROR = 'must be non-empty';

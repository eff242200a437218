import { EMPTY_ERROR, inclusiveRangeError, maxLenError, regexError } from './messages.js';

/**
 * String formats of k8s.io/apimachinery/pkg/util/validation (and api/validate/content):
 * each returns the list of detail messages, empty when the value is valid.
 * Lengths are in bytes, as Go's `len(string)` counts them.
 */

/** The answer for a valid value: one shared empty list (a load checks ~1 million values). */
export const VALID: readonly string[] = Object.freeze([]);

/** UTF-8 length of a string (Go's `len`). */
export function byteLength(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      // A surrogate pair is one code point of 4 bytes; a lone surrogate counts 3, as before.
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

export function isDNS1123Label(value: string): readonly string[] {
  // The common case first: the pattern matches ASCII only, so its length is its byte length.
  if (value.length <= 63 && DNS1123_LABEL_RE.test(value)) return VALID;
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL_RE.test(value)) {
    if (DNS1123_SUBDOMAIN_RE.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): readonly string[] {
  if (value.length <= 253 && DNS1123_SUBDOMAIN_RE.test(value)) return VALID;
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value))
    errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);

export function isDNS1035Label(value: string): readonly string[] {
  if (value.length <= 63 && DNS1035_LABEL_RE.test(value)) return VALID;
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1035_LABEL_RE.test(value)) errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/** apimachinery's NameIsDNSSubdomain / NameIsDNSLabel / NameIsDNS1035Label (prefix: generateName). */
export function nameIsDNSSubdomain(name: string, prefix: boolean): readonly string[] {
  return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
}

export function nameIsDNSLabel(name: string, prefix: boolean): readonly string[] {
  return isDNS1123Label(prefix ? maskTrailingDash(name) : name);
}

export function nameIsDNS1035Label(name: string, prefix: boolean): readonly string[] {
  return isDNS1035Label(prefix ? maskTrailingDash(name) : name);
}

function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_KEY_RE = new RegExp(`^${LABEL_KEY_FMT}$`);

/** IsQualifiedName / content.IsLabelKey: `[prefix/]name`. */
export function isQualifiedName(value: string): readonly string[] {
  // The common case first (every label key of a 150,000-pod cluster): a valid name alone.
  if (value.length <= 63 && LABEL_KEY_RE.test(value)) return VALID;
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  const [prefix, rest] = parts;
  if (rest === undefined) {
    name = value;
  } else if (parts.length === 2 && prefix !== undefined) {
    name = rest;
    if (prefix.length === 0) errs.push(`prefix part ${EMPTY_ERROR}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push(`name part ${EMPTY_ERROR}`);
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!LABEL_KEY_RE.test(name))
    errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);

export function isValidLabelValue(value: string): readonly string[] {
  if (value.length <= 63 && LABEL_VALUE_RE.test(value)) return VALID;
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value))
    errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** IsValidPortNum: 1..65535. */
export function isValidPortNum(port: number): readonly string[] {
  return port >= 1 && port <= 65535 ? VALID : [inclusiveRangeError(1, 65535)];
}

/** IsInRange. */
export function isInRange(value: number, lo: number, hi: number): readonly string[] {
  return value >= lo && value <= hi ? VALID : [inclusiveRangeError(lo, hi)];
}

/** A valid port name: a letter somewhere, [a-z0-9] runs joined by single hyphens. */
const VALID_PORT_NAME_RE = /^(?=[-0-9]*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * IsValidPortName (IANA_SVC_NAME, RFC 6335, lower case only): at most 15 characters of
 * [-a-z0-9], at least one letter, no `--`, not starting or ending with `-`.
 */
export function isValidPortName(port: string): readonly string[] {
  // The common case first: every rule below at once (ASCII, so its length is its byte length).
  if (port.length <= 15 && VALID_PORT_NAME_RE.test(port)) return VALID;
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

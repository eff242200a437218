import { at, atLeast, first } from '../at.js';
import { NAMESPACE_NAME_LABEL } from '../constants.js';
import type { Outcome } from '../issues.js';
import { parseCidr } from '../model/cidr.js';
import type { LabelSelectorModel, SelectorOperator } from '../model/types.js';
import type { IpBlockAtom } from './address-space.js';
import type { PodAtom } from './pod-atoms.js';

/**
 * A symbolic endpoint (SPEC "Symbolic endpoints"): every possible pod matching `NS/POD`,
 * each side a name, a label selector in braces, or `*` (`prod/{app=web}`,
 * `{team=a}/{app=web,tier!=db}`, `*\/{}`; a namespace may be `name{labels}` too), with an
 * optional `@CIDR [except CIDR, ...]` on the pods' address; or outside addresses as
 * `CIDR [except CIDR, ...]`. Selectors read as kubectl writes them: `k=v`, `k==v`, `k!=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
 */
export type SymbolicEndpoint =
  | { kind: 'pods'; text: string; atom: PodAtom; address?: IpBlockAtom }
  | { kind: 'outside'; text: string; block: IpBlockAtom };

/** Why a text is not a symbolic endpoint (the message shows the expected syntax). */
export interface SymbolicEndpointError {
  code: 'symbolic-endpoint-invalid';
  message: string;
}

type Parsed<T> = Outcome<T, SymbolicEndpointError>;

const invalid = (message: string) => ({ ok: false, error: { code: 'symbolic-endpoint-invalid', message } }) as const;

/** Whether `text` is meant as a symbolic endpoint (braces, `*`, or a CIDR). */
export function isSymbolicEndpoint(text: string): boolean {
  const t = text.trim();
  return /[{}*]/.test(t) || parseBlock(t) !== undefined || (t.includes('/') && t.includes('@'));
}

export function parseSymbolicEndpoint(input: string): Parsed<SymbolicEndpoint> {
  const text = input.trim();
  const block = parseBlock(text);
  if (block) return { ok: true, value: { kind: 'outside', text, block } };
  const at = text.indexOf('@');
  const main = at >= 0 ? text.slice(0, at) : text;
  let address: IpBlockAtom | undefined;
  if (at >= 0) {
    address = parseBlock(text.slice(at + 1).trim());
    if (!address) return invalid(`"${text.slice(at + 1)}" is not a CIDR (e.g. @10.0.0.0/8 except 10.1.0.0/16)`);
  }
  const slash = splitTopLevel(main, '/');
  if (slash.length !== 2) {
    return invalid(`"${text}": expected NAMESPACE/POD, e.g. prod/{app=web}, {team=a}/{}, */{role=db}`);
  }
  const [nsText, podText] = atLeast(
    slash.map((s) => s.trim()),
    2,
  );
  const namespace = parseSide(nsText, NAMESPACE_NAME_LABEL);
  if (!namespace.ok) return namespace;
  const pods = parseSide(podText, undefined);
  if (!pods.ok) return pods;
  const atom: PodAtom = { namespaceSelector: namespace.value };
  if (pods.value.matchExpressions.length > 0 || Object.keys(pods.value.matchLabels).length > 0) {
    atom.podSelector = pods.value;
  }
  return { ok: true, value: { kind: 'pods', text, atom, ...(address ? { address } : {}) } };
}

/** `*`, `{sel}`, `name`, or `name{sel}` (a name only where `nameKey` says what a name means). */
function parseSide(text: string, nameKey: string | undefined): Parsed<LabelSelectorModel> {
  if (text === '*' || text === '') return { ok: true, value: { matchLabels: {}, matchExpressions: [] } };
  const brace = text.indexOf('{');
  const name = brace >= 0 ? text.slice(0, brace) : text;
  const body = brace >= 0 ? text.slice(brace) : '';
  if (body && !body.endsWith('}')) return invalid(`"${text}": a selector ends with }`);
  const selector = parseSelector(body ? body.slice(1, -1) : '');
  if (!selector.ok) return selector;
  if (name) {
    if (!nameKey) return invalid(`"${text}": pods are chosen by {labels} or *, not by name here`);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) return invalid(`"${name}" is not a namespace name`);
    return { ok: true, value: { ...selector.value, matchLabels: { ...selector.value.matchLabels, [nameKey]: name } } };
  }
  return selector;
}

/** kubectl's selector syntax, comma-separated (commas inside parentheses belong to a set). */
export function parseSelector(text: string): Parsed<LabelSelectorModel> {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: { key: string; operator: SelectorOperator; values: string[] }[] = [];
  for (const raw of splitTopLevel(text, ',')) {
    const part = raw.trim();
    if (!part) continue;
    const set = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    const neq = /^([^\s!=()]+)\s*!=\s*([^\s!=()]*)$/.exec(part);
    const eq = /^([^\s!=()]+)\s*==?\s*([^\s!=()]*)$/.exec(part);
    const absent = /^!\s*([^\s!=()]+)$/.exec(part);
    const exists = /^([^\s!=()]+)$/.exec(part);
    if (set) {
      const values = at(set, 3)
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      matchExpressions.push({ key: at(set, 1), operator: set[2] === 'in' ? 'In' : 'NotIn', values });
    } else if (neq) matchExpressions.push({ key: at(neq, 1), operator: 'NotIn', values: [at(neq, 2)] });
    else if (eq) {
      // Requirements are ANDed (kubectl's labels.Parse): a second value of one key is one more
      // requirement, never a replacement of the first (`a=b,a=c` selects no pod, not `a=c`).
      const [key, value] = [at(eq, 1), at(eq, 2)];
      if (Object.hasOwn(matchLabels, key) && matchLabels[key] !== value) {
        matchExpressions.push({ key, operator: 'In', values: [value] });
      } else matchLabels[key] = value;
    } else if (absent) matchExpressions.push({ key: at(absent, 1), operator: 'DoesNotExist', values: [] });
    else if (exists) matchExpressions.push({ key: at(exists, 1), operator: 'Exists', values: [] });
    else return invalid(`"${part}" is not a label requirement (k=v, k!=v, k in (a,b), k notin (a,b), k, !k)`);
  }
  return { ok: true, value: { matchLabels, matchExpressions } };
}

/** `10.0.0.0/8` or `0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16`. */
function parseBlock(text: string): IpBlockAtom | undefined {
  const [cidr, ...rest] = atLeast(text.split(/\s+except\s+/), 1);
  if (rest.length > 1 || !parseCidr(cidr.trim())) return undefined;
  const except = rest.length
    ? first(rest)
        .split(/[\s,]+/)
        .filter(Boolean)
    : [];
  if (except.some((e) => !parseCidr(e))) return undefined;
  return { cidr: cidr.trim(), except };
}

function splitTopLevel(text: string, separator: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' || ch === '(') depth++;
    else if (ch === '}' || ch === ')') depth--;
    else if (ch === separator && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

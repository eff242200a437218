import { at, atLeast, first } from '../at.js';
import { NAMESPACE_NAME_LABEL } from '../constants.js';
import type { Outcome } from '../issues.js';
import { parseCidr } from '../model/cidr.js';
import type { LabelSelectorModel, SelectorOperator } from '../model/types.js';
import { checkName, type NameKind, type NameProblem } from '../validate/name-checks.js';
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

/** The part of a symbolic endpoint that no real object could hold (a name, a label's key or value). */
export type SymbolicEndpointPart = NameKind;

/**
 * Why a text is not a symbolic endpoint: the expected syntax, or the part no real object could
 * hold and the API server's words for it.
 */
export interface SymbolicEndpointError {
  code: 'symbolic-endpoint-invalid';
  message: string;
  part?: SymbolicEndpointPart;
  /** The value refused. */
  value?: string;
}

type Parsed<T> = Outcome<T, SymbolicEndpointError>;

interface PartProblem {
  part: SymbolicEndpointPart;
  value: string;
  message: string;
}

const invalid = (message: string) => ({ ok: false, error: { code: 'symbolic-endpoint-invalid', message } }) as const;

/** `whose` says which side a label is on (`namespace label value: ...`). */
const invalidPart = ({ part, value, message }: PartProblem, whose?: string) =>
  ({
    ok: false,
    error: { code: 'symbolic-endpoint-invalid', message: whose ? `${whose} ${message}` : message, part, value },
  }) as const;

const partProblem = (problem: NameProblem | undefined): PartProblem | undefined =>
  problem && { part: problem.kind, value: problem.value, message: problem.message };

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
  const namespace = parseSide(nsText, 'namespace');
  if (!namespace.ok) return namespace;
  const pods = parseSide(podText, 'pod');
  if (!pods.ok) return pods;
  const atom: PodAtom = { namespaceSelector: namespace.value };
  if (pods.value.matchExpressions.length > 0 || Object.keys(pods.value.matchLabels).length > 0) {
    atom.podSelector = pods.value;
  }
  return { ok: true, value: { kind: 'pods', text, atom, ...(address ? { address } : {}) } };
}

/** `*`, `{sel}`, `name`, or `name{sel}` (a name only for a namespace). */
function parseSide(text: string, side: 'namespace' | 'pod'): Parsed<LabelSelectorModel> {
  if (text === '*' || text === '') return { ok: true, value: { matchLabels: {}, matchExpressions: [] } };
  const brace = text.indexOf('{');
  const name = brace >= 0 ? text.slice(0, brace) : text;
  const body = brace >= 0 ? text.slice(brace) : '';
  if (body && !body.endsWith('}')) return invalid(`"${text}": a selector ends with }`);
  const selector = parseSelector(body ? body.slice(1, -1) : '', side);
  if (!selector.ok) return selector;
  if (name) {
    if (side === 'pod') return invalid(`"${text}": pods are chosen by {labels} or *, not by name here`);
    const problem = partProblem(checkName('namespace name', name));
    if (problem) return invalidPart(problem);
    const matchLabels = { ...selector.value.matchLabels, [NAMESPACE_NAME_LABEL]: name };
    return { ok: true, value: { ...selector.value, matchLabels } };
  }
  return selector;
}

/**
 * kubectl's selector syntax, comma-separated (commas inside parentheses belong to a set); each
 * key and value checked as kubectl's `labels.Parse` and the API server check them, so a
 * selector no label could meet is refused, not answered for no pod. `whose` names the side
 * in the message (`pod label value: ...`).
 */
export function parseSelector(text: string, whose?: 'namespace' | 'pod'): Parsed<LabelSelectorModel> {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: { key: string; operator: SelectorOperator; values: string[] }[] = [];
  for (const raw of splitTopLevel(text, ',')) {
    const part = raw.trim();
    if (!part) continue;
    const requirement = parseRequirement(part);
    if (!requirement) {
      return invalid(`"${part}" is not a label requirement (k=v, k!=v, k in (a,b), k notin (a,b), k, !k)`);
    }
    const problem = requirementProblem(requirement);
    if (problem) return invalidPart(problem, whose);
    const { key, operator, values } = requirement;
    if (operator !== 'Equals') matchExpressions.push({ key, operator, values });
    // Requirements are ANDed (kubectl's labels.Parse): a second value of one key is one more
    // requirement, never a replacement of the first (`a=b,a=c` selects no pod, not `a=c`).
    else if (Object.hasOwn(matchLabels, key) && matchLabels[key] !== at(values, 0)) {
      matchExpressions.push({ key, operator: 'In', values });
    } else matchLabels[key] = at(values, 0);
  }
  return { ok: true, value: { matchLabels, matchExpressions } };
}

interface Requirement {
  key: string;
  operator: SelectorOperator | 'Equals';
  values: string[];
}

/** One requirement as kubectl writes it, or undefined when it is none of the forms. */
function parseRequirement(part: string): Requirement | undefined {
  const set = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (set) {
    // As kubectl's parser: an empty member is the empty value (`k in (a,)` is a or "", and
    // `k in ()` is ""), never dropped (`k notin ()` would then exclude nothing).
    const values = [
      ...new Set(
        at(set, 3)
          .split(',')
          .map((v) => v.trim()),
      ),
    ];
    return { key: at(set, 1), operator: set[2] === 'in' ? 'In' : 'NotIn', values };
  }
  const neq = /^([^\s!=()]+)\s*!=\s*([^\s!=()]*)$/.exec(part);
  if (neq) return { key: at(neq, 1), operator: 'NotIn', values: [at(neq, 2)] };
  const eq = /^([^\s!=()]+)\s*==?\s*([^\s!=()]*)$/.exec(part);
  if (eq) return { key: at(eq, 1), operator: 'Equals', values: [at(eq, 2)] };
  const absent = /^!\s*([^\s!=()]+)$/.exec(part);
  if (absent) return { key: at(absent, 1), operator: 'DoesNotExist', values: [] };
  const exists = /^([^\s!=()]+)$/.exec(part);
  if (exists) return { key: at(exists, 1), operator: 'Exists', values: [] };
  return undefined;
}

/**
 * Why no real pod or namespace could meet a requirement, in the API server's words for the
 * same field of a manifest's selector: a key or value no label can have.
 */
function requirementProblem({ key, values }: Requirement): PartProblem | undefined {
  const keyProblem = partProblem(checkName('label key', key));
  if (keyProblem) return keyProblem;
  for (const value of values) {
    const valueProblem = partProblem(checkName('label value', value));
    if (valueProblem) return valueProblem;
  }
  return undefined;
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

import { editDistance } from '../endpoints/closest-names.js';
import { listSome, selectorWords } from '../format/words.js';
import type { FieldPath } from '../issues.js';
import type { LoadedObject } from '../load/loaded-object.js';
import { originLocation } from '../model/origin-location.js';
import type {
  ClusterModel,
  LabelSelectorModel,
  Labels,
  PeerModel,
  PolicyModel,
  PortModel,
  RuleModel,
} from '../model/types.js';

/**
 * Small shared helpers for rules: field paths, the rules the engine applies, where a policy is,
 * near-miss hints. What matches is the compiled cluster's; the wording is format/words.ts.
 */

export function rulePath(rule: RuleModel): FieldPath {
  return ['spec', rule.direction, rule.index];
}

export function peerPath(rule: RuleModel, peer: PeerModel): FieldPath {
  return [...rulePath(rule), rule.direction === 'ingress' ? 'from' : 'to', peer.index];
}

export function portPath(rule: RuleModel, port: PortModel): FieldPath {
  return [...rulePath(rule), 'ports', port.index];
}

/** Rules the engine applies: ingress rules when Ingress is a type, egress rules when Egress is. */
export function effectiveRules(policy: PolicyModel): RuleModel[] {
  return [...(policy.types.ingress ? policy.ingress : []), ...(policy.types.egress ? policy.egress : [])];
}

/** An ipBlock peer where it is: its policy, rule and the object to point at. */
export interface IpBlockPeerAt {
  policy: PolicyModel;
  rule: RuleModel;
  peer: Extract<PeerModel, { kind: 'ipBlock' }>;
  object: LoadedObject;
}

/** Every ipBlock peer of the rules the engine applies, of the input's policies. */
export function* ipBlockPeers(cluster: ClusterModel): Generator<IpBlockPeerAt> {
  for (const policy of cluster.policies) {
    if (!policy.origin) continue;
    for (const rule of effectiveRules(policy)) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) {
        if (peer.kind === 'ipBlock') yield { policy, rule, peer, object: policy.origin.object };
      }
    }
  }
}

/** `file:line` of a field of a policy, for messages that point at another object. */
export function whereIs(policy: PolicyModel, path: FieldPath = []): string {
  const at = originLocation(policy.origin, path);
  return at ? `${at.file}:${at.line}` : (policy.origin?.object.source.name ?? policy.id);
}

/**
 * Why a selector matched nothing among `labelsList`: the first requirement nobody meets, with
 * the values that do occur for that key ("app=bakend: pods there have app=backend, app=db").
 * Returns the key so the finding can point at the exact line.
 */
export function nearMiss(
  selector: LabelSelectorModel,
  labelsList: readonly Labels[],
  noun: string,
): { key?: string; hint: string } {
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (labelsList.some((labels) => labels[key] === value)) continue;
    const values = [...new Set(labelsList.map((l) => l[key]).filter((v): v is string => v !== undefined))].sort();
    if (values.length > 0) {
      const close = values.find((v) => similar(v, value));
      return {
        key,
        hint: `no ${noun} has ${key}=${value}; ${noun}s there have ${listSome(values.map((v) => `${key}=${v}`))}${close ? ` (did you mean ${key}=${close}?)` : ''}`,
      };
    }
    const keys = [...new Set(labelsList.flatMap((l) => Object.keys(l)))].sort();
    const closeKey = keys.find((k) => similar(k, key));
    return {
      key,
      hint: `no ${noun} has a label ${key}${closeKey ? ` (did you mean ${closeKey}=${labelsList.find((l) => closeKey in l)?.[closeKey]}?)` : ''}`,
    };
  }
  return { hint: `no ${noun} meets all of ${selectorWords(selector)} at once` };
}

function similar(a: string, b: string): boolean {
  if (a === b) return false;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y || x.startsWith(y) || y.startsWith(x)) return true;
  return editDistance(x, y) <= Math.max(1, Math.floor(Math.min(x.length, y.length) / 4));
}

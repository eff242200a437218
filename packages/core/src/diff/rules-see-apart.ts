import { at } from '../at.js';
import type { CompiledPeer, CompiledPolicy, CompiledRule } from '../engine/compile-policy.js';
import { canonicalPeer } from '../model/canonical.js';
import type { VerdictMasks } from './verdict-masks.js';

/**
 * Marks in `seen` every endpoint that some rule of `pairs` (a policy unchanged between the
 * versions: BASE's and HEAD's compiled forms) admits as a peer in one version and not in the
 * other; `all`: the endpoints to mark when a rule admits everything in one version only.
 * Endpoint o is the same endpoint in both masks.
 *
 * Exactly what comparing each rule's peer bits over every endpoint finds (`peerBits`, the
 * way before, kept as the test's reference), but each distinct peer is computed once per
 * version, not once per rule: a peer is its selectors, with the policy's namespace when it has
 * no namespaceSelector, or its ipBlock. A rule admits when one of its peers does, so it can
 * see an endpoint apart only where one of its peers does; those endpoints alone are asked of
 * the rule. Cluster-wide namespaceSelectors repeated over thousands of policies made the
 * per-rule way cost rules × endpoints: when every workload is relabelled, no peer sees any
 * endpoint apart and no rule is asked at all.
 */
export function rulesSeeApart(
  masks: { base: VerdictMasks; head: VerdictMasks },
  pairs: readonly (readonly [CompiledPolicy, CompiledPolicy])[],
  seen: Uint8Array,
  all: readonly number[],
): void {
  const apart = peersApart(masks, seen.length);
  const asked = new Int32Array(seen.length).fill(-1);
  let ruleNumber = 0;
  for (const [pb, ph] of pairs) {
    for (const direction of ['ingress', 'egress'] as const) {
      const rules = ph[direction];
      pb[direction].forEach((rb, i) => {
        const rh = at(rules, i);
        if (rb.peers === 'all' || rh.peers === 'all') {
          if (rb.peers !== rh.peers) for (const o of all) seen[o] = 1;
          return;
        }
        const keys = rb.peers.map((p) => peerKey(p, pb.policy.namespace));
        const same = sameKeys(keys, rh.peers, ph.policy.namespace);
        if (!same) {
          denseApart(masks, pb, rb, ph, rh, seen);
          return;
        }
        const rule = ruleNumber++;
        rb.peers.forEach((peer, k) => {
          const other = same.get(keys[k] as string) as CompiledPeer;
          for (const o of apart(keys[k] as string, peer, pb.policy.namespace, other, ph.policy.namespace)) {
            if (seen[o] || asked[o] === rule) continue;
            asked[o] = rule;
            if (masks.base.peerMatches(pb, rb, o) !== masks.head.peerMatches(ph, rh, o)) seen[o] = 1;
          }
        });
      });
    }
  }
}

/** A peer's identity for what it admits: equal keys admit the same endpoints (in one version). */
function peerKey(peer: CompiledPeer, policyNamespace: string): string {
  const text = canonicalPeer(peer.model);
  return peer.kind === 'selector' && !peer.namespaces ? `${policyNamespace}\n${text}` : text;
}

/** HEAD's peers by key when they are BASE's keys (each once), else undefined. */
function sameKeys(
  keys: readonly string[],
  peers: readonly CompiledPeer[],
  policyNamespace: string,
): Map<string, CompiledPeer> | undefined {
  const byKey = new Map(peers.map((p) => [peerKey(p, policyNamespace), p]));
  if (byKey.size !== peers.length || new Set(keys).size !== keys.length || keys.length !== byKey.size) return undefined;
  return keys.every((k) => byKey.has(k)) ? byKey : undefined;
}

/**
 * Per peer key, the endpoints the peer admits in one version only (computed once per key).
 * A selector peer's endpoints are listed from the namespaces it reaches; an ipBlock's bits are
 * the masks' own, kept per block.
 */
function peersApart(
  masks: { base: VerdictMasks; head: VerdictMasks },
  count: number,
): (key: string, base: CompiledPeer, baseNamespace: string, head: CompiledPeer, headNamespace: string) => number[] {
  const known = new Map<string, number[]>();
  const stamp = new Int32Array(count);
  let round = 0;
  return (key, base, baseNamespace, head, headNamespace) => {
    let found = known.get(key);
    if (found) return found;
    found = [];
    if (base.kind === 'ipBlock' && head.kind === 'ipBlock') {
      const [b, h] = [masks.base.blockBits(base), masks.head.blockBits(head)];
      for (let w = 0; w < b.length; w++) {
        let differ = b[w]! ^ h[w]!;
        while (differ !== 0) {
          const low = differ & -differ;
          found.push(w * 32 + 31 - Math.clz32(low));
          differ ^= low;
        }
      }
    } else if (base.kind === 'selector' && head.kind === 'selector') {
      // BASE's members stamped with this round; HEAD's found stamped are in both (unstamped).
      round++;
      const inBase: number[] = [];
      masks.base.forEachSelected(base, baseNamespace, (o) => {
        stamp[o] = round;
        inBase.push(o);
      });
      const list = found;
      masks.head.forEachSelected(head, headNamespace, (o) => {
        if (stamp[o] === round) stamp[o] = 0;
        else list.push(o);
      });
      for (const o of inBase) if (stamp[o] === round) list.push(o);
    }
    known.set(key, found);
    return found;
  };
}

/** A rule pair whose peers do not pair by key: each rule's peer bits compared over every endpoint. */
function denseApart(
  masks: { base: VerdictMasks; head: VerdictMasks },
  pb: CompiledPolicy,
  rb: CompiledRule,
  ph: CompiledPolicy,
  rh: CompiledRule,
  seen: Uint8Array,
): void {
  const bitsBase = masks.base.peerBits(pb, rb) as Uint32Array;
  const bitsHead = masks.head.peerBits(ph, rh) as Uint32Array;
  for (let w = 0; w < bitsBase.length; w++) {
    let differ = bitsBase[w]! ^ bitsHead[w]!;
    while (differ !== 0) {
      const low = differ & -differ;
      seen[w * 32 + 31 - Math.clz32(low)] = 1;
      differ ^= low;
    }
  }
}

import { at } from '../at.js';
import type { CompiledCluster } from '../engine/compile-cluster.js';
import type { Peer } from '../engine/types.js';
import type { SpanRef } from './verdict-masks.js';

/**
 * VerdictMasks' contract answered by the compiled cluster's verdict (every tier, admin and
 * baseline included), one port per span: used when either side of a diff has admin tier
 * policies, which VerdictMasks' NetworkPolicy-only masks do not know. Spans are cut at the
 * admin rules' ports too (partitionPorts), so one port answers for its span.
 */
export class TierMasks {
  readonly words: number;

  constructor(
    private readonly semantics: CompiledCluster,
    private readonly peers: readonly Peer[],
    private readonly spans: readonly SpanRef[],
  ) {
    this.words = Math.max(1, Math.ceil(spans.length / 32));
  }

  allowed(source: number, destination: number, out: Uint32Array): void {
    out.fill(0);
    this.spans.forEach(({ protocol, span }, k) => {
      const verdict = this.semantics.verdict(at(this.peers, source), at(this.peers, destination), {
        protocol,
        port: span[0],
      });
      // out holds a bit per span (words = ceil(spans / 32)).
      if (verdict.allowed) out[k >>> 5]! |= 1 << (k & 31);
    });
  }
}

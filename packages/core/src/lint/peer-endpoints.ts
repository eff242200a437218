import type { CompiledCluster } from '../engine/compile-cluster.js';
import { peerScopesNamespace } from '../engine/match-peer.js';
import type { EndpointSample } from '../matrix/endpoint-samples.js';
import type { LabelSelectorModel, PeerModel, PolicyModel } from '../model/types.js';

/**
 * `LintContext.peerEndpoints`: the endpoints a peer matches, without asking every endpoint
 * of the cluster. A selector peer can only match pods of its policy's namespace, or of the
 * namespaces its namespaceSelector matches, so only those are asked; an ipBlock matches by
 * address alone, so each distinct block is asked once. The answer for each candidate is
 * still `compiled.peerMatches` (the one judge); this only narrows whom it is asked about.
 */
export function peerEndpointIndex(
  compiled: CompiledCluster,
  endpoints: readonly EndpointSample[],
  endpointsIn: (namespace: string) => readonly EndpointSample[],
): (policy: PolicyModel, peer: PeerModel) => readonly EndpointSample[] {
  const namespaces = [...new Set(endpoints.map((e) => e.namespace))];
  const namespacesOf = new WeakMap<LabelSelectorModel, string[]>();
  // Namespaces by label, in `namespaces` order: a namespaceSelector with matchLabels can only
  // match namespaces that carry each of them, so only those are asked (at 150,000 pods, 3,000
  // namespaces asked for each of 30,000 policies' peers was most of lint and diff).
  const byLabel = new Map<string, string[]>();
  for (const ns of namespaces) {
    for (const [key, value] of Object.entries(compiled.namespaceLabels(ns))) {
      const list = byLabel.get(`${key}=${value}`);
      if (list) list.push(ns);
      else byLabel.set(`${key}=${value}`, [ns]);
    }
  }
  const candidatesFor = (selector: LabelSelectorModel): readonly string[] => {
    let fewest: readonly string[] = namespaces;
    for (const [key, value] of Object.entries(selector.matchLabels)) {
      const list = byLabel.get(`${key}=${value}`) ?? [];
      if (list.length < fewest.length) fewest = list;
    }
    return fewest;
  };
  const byBlock = new Map<string, readonly EndpointSample[]>();
  const matching = (policy: PolicyModel, peer: PeerModel, candidates: readonly EndpointSample[]) =>
    candidates.filter((e) => compiled.peerMatches(policy, peer, compiled.podFacts(e.pod)));
  return (policy, peer) => {
    if (peer.kind === 'ipBlock') {
      const key = `${peer.cidr} except ${peer.except.join(',')}`;
      let found = byBlock.get(key);
      if (!found) {
        found = matching(policy, peer, endpoints);
        byBlock.set(key, found);
      }
      return found;
    }
    const selector = peer.namespaceSelector;
    if (!selector) return matching(policy, peer, endpointsIn(policy.namespace));
    let chosen = namespacesOf.get(selector);
    if (!chosen) {
      const halves = compiled.peer(policy, peer);
      chosen =
        halves.kind === 'selector'
          ? candidatesFor(selector).filter((ns) =>
              peerScopesNamespace(halves, policy.namespace, ns, compiled.namespaceLabels(ns)),
            )
          : namespaces;
      namespacesOf.set(selector, chosen);
    }
    // Endpoints are sorted by namespace, so namespace by namespace keeps their order.
    return chosen.flatMap((ns) => matching(policy, peer, endpointsIn(ns)));
  };
}

import { AddressIndex } from '../engine/address-index.js';
import type { CompiledCluster } from '../engine/compile-cluster.js';
import { peerScopesNamespace } from '../engine/match-peer.js';
import type { EndpointSample } from '../matrix/endpoint-samples.js';
import { canonicalPeer } from '../model/canonical.js';
import type { LabelSelectorModel, PeerModel, PolicyModel } from '../model/types.js';

/**
 * `LintContext.peerEndpoints`: the endpoints a peer matches, without asking every endpoint
 * of the cluster. A selector peer can only match pods of its policy's namespace, or of the
 * namespaces its namespaceSelector matches, so only those are asked; an ipBlock matches by
 * address alone, so each distinct block is looked up once in an index of the endpoints'
 * addresses. Peers that read the same (`canonicalPeer`) are asked once: a peer with a
 * namespaceSelector matches the same pods whichever policy holds it (at 150,000 pods, 3,000
 * policies' cross-team peers of 8 distinct texts each matched ~500 endpoints in ~250
 * namespaces, asked pod by pod: a third of lint). Selector answers are still
 * `compiled.peerMatches` (the one judge); this only narrows whom it is asked about and how often.
 */
export function peerEndpointIndex(
  compiled: CompiledCluster,
  endpoints: readonly EndpointSample[],
  endpointsIn: (namespace: string) => readonly EndpointSample[],
): (policy: PolicyModel, peer: PeerModel) => readonly EndpointSample[] {
  const namespaces = [...new Set(endpoints.map((e) => e.namespace))];
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
  let addresses: AddressIndex<EndpointSample> | undefined;
  const texts = new WeakMap<PeerModel, string>();
  const answers = new Map<string, readonly EndpointSample[]>();
  const matching = (policy: PolicyModel, peer: PeerModel, candidates: readonly EndpointSample[]) =>
    candidates.filter((e) => compiled.peerMatches(policy, peer, compiled.podFacts(e.pod)));
  const answer = (policy: PolicyModel, peer: PeerModel): readonly EndpointSample[] => {
    const halves = compiled.peer(policy, peer);
    if (halves.kind === 'ipBlock') {
      addresses ??= new AddressIndex(endpoints, (e) => compiled.podFacts(e.pod).ip);
      return addresses.within(halves.ranges);
    }
    const selector = peer.kind === 'selector' ? peer.namespaceSelector : undefined;
    if (!selector || !halves.namespaces) return matching(policy, peer, endpointsIn(policy.namespace));
    const chosen = candidatesFor(selector).filter((ns) =>
      peerScopesNamespace(halves, policy.namespace, ns, compiled.namespaceLabels(ns)),
    );
    // Endpoints are sorted by namespace, so namespace by namespace keeps their order.
    return chosen.flatMap((ns) => matching(policy, peer, endpointsIn(ns)));
  };
  return (policy, peer) => {
    let text = texts.get(peer);
    if (text === undefined) {
      text = canonicalPeer(peer);
      texts.set(peer, text);
    }
    // Without a namespaceSelector a selector peer means "in the policy's own namespace".
    const key = peer.kind === 'selector' && !peer.namespaceSelector ? `${policy.namespace}\u0000${text}` : text;
    let found = answers.get(key);
    if (!found) {
      found = answer(policy, peer);
      answers.set(key, found);
    }
    return found;
  };
}

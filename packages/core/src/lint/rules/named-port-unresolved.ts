import { listSome, portWords } from '../../format/words.js';
import type { EndpointSample } from '../../matrix/endpoint-samples.js';
import { effectiveRules, portPath } from '../rule-helpers.js';
import type { LintRule } from '../types.js';

/**
 * "A named port is resolved on the destination pod": when no destination pod of the rule has
 * a container port of that name and protocol, the port entry matches nothing.
 */
export const namedPortUnresolved: LintRule = {
  id: 'named-port-unresolved',
  severity: 'warning',
  summary: 'a named port in a rule matches no container port (name and protocol) of the destination pods',
  help: 'A named port (`port: http`) matches only destination pods that declare a containerPort with that name and protocol: for ingress the pods the policy selects, for egress the peer pods. Name the container port in the pod template, fix the spelling or protocol, or use the port number.',
  check({ cluster, endpoints, selectedBy, peerEndpoints }, report) {
    const order = new Map(endpoints.map((e, i) => [e, i]));
    for (const policy of cluster.policies) {
      if (!policy.origin) continue;
      for (const rule of effectiveRules(policy)) {
        if (rule.ports === 'all') continue;
        const named = rule.ports.filter((p) => typeof p.port === 'string');
        if (named.length === 0) continue;
        let destinations: readonly EndpointSample[];
        if (rule.direction === 'ingress') destinations = selectedBy(policy);
        else if (rule.peers === 'all') destinations = [...endpoints];
        else {
          const found = new Set(rule.peers.flatMap((peer) => peerEndpoints(policy, peer)));
          destinations = [...found].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
        }
        if (destinations.length === 0) continue;
        for (const port of named) {
          const name = port.port as string;
          if (destinations.some((e) => e.pod.ports.some((c) => c.name === name && c.protocol === port.protocol)))
            continue;
          const otherProtocol = destinations
            .flatMap((e) => e.pod.ports)
            .find((c) => c.name === name && c.protocol !== port.protocol);
          const names = [
            ...new Set(
              destinations.flatMap((e) =>
                e.pod.ports.filter((c) => c.name).map((c) => `${c.name} (${c.port}/${c.protocol})`),
              ),
            ),
          ].sort();
          const who = listSome(destinations.map((e) => e.id));
          const detail = otherProtocol
            ? `they name ${name} as ${otherProtocol.port}/${otherProtocol.protocol}, not ${port.protocol}: set protocol: ${otherProtocol.protocol}`
            : names.length > 0
              ? `they name ${listSome(names, 4)}`
              : 'they name no container ports';
          report({
            object: policy.origin.object,
            path: [...portPath(rule, port), 'port'],
            message: `${portWords(port)} matches nothing: no ${rule.direction === 'ingress' ? 'selected' : 'destination'} pod (${who}) has a container port named ${name} with protocol ${port.protocol}; ${detail}`,
          });
        }
      }
    }
  },
};

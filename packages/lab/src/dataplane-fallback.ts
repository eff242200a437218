import { type ClusterModel, matchesSelector } from '@netpol/core';
import { exec, LabError } from './exec.js';

/**
 * Stand-in for `dataplane/` until the nftables compiler lands: Service NAT only (each
 * ClusterIP:port DNATed to its first backing pod), no policy enforcement. Same function names
 * and shapes, so switching `ruleset.ts` to the real module is a one-line change.
 */
export interface RulesetOptions {
  enforce: boolean;
}

export function compileRuleset(cluster: ClusterModel, _options: RulesetOptions): string {
  const lines: string[] = [];
  for (const service of cluster.services) {
    if (!service.clusterIP || !service.selector) continue;
    const selector = { matchLabels: service.selector, matchExpressions: [] };
    const backends = cluster.pods.filter(
      (p) => p.namespace === service.namespace && matchesSelector(selector, p.labels),
    );
    for (const sp of service.ports) {
      if (sp.protocol === 'SCTP') continue;
      for (const pod of backends.slice(0, 1)) {
        const target =
          typeof sp.targetPort === 'number'
            ? sp.targetPort
            : pod.ports.find((p) => p.name === sp.targetPort && p.protocol === sp.protocol)?.port;
        if (target === undefined) continue;
        lines.push(
          `    ip daddr ${service.clusterIP} ${sp.protocol.toLowerCase()} dport ${sp.port} dnat ip to ${pod.ips[0]}:${target}`,
        );
      }
    }
  }
  return [
    'table inet netpol {}',
    'delete table inet netpol',
    'table inet netpol {',
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    ...lines,
    '  }',
    '}',
    '',
  ].join('\n');
}

export async function applyRuleset(netns: string, text: string): Promise<void> {
  const result = await exec('ip', ['netns', 'exec', netns, 'nft', '-f', '-'], { input: text });
  if (result.code !== 0) throw new LabError(`nft -f in ${netns} failed: ${result.stderr.trim().slice(0, 2000)}`);
}

export async function updateRuleset(netns: string, cluster: ClusterModel, options: RulesetOptions): Promise<void> {
  await applyRuleset(netns, compileRuleset(cluster, options));
}

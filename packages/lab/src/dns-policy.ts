import { domainNameMatches } from '@netpol/core';
import type { FqdnSets } from './agent-protocol.js';
import { DNS_TTL, type DnsLookup, dnsReply, parseQuery, TYPE_A } from './dns-message.js';
import { exec } from './exec.js';
import { isOutsideHostAddress } from './lab-addresses.js';

/**
 * The lab DNS as an FQDN policy's eyes (as Cilium's DNS proxy): before an A answer for a name
 * some `domainNames` peer matches (the core decides: `domainNameMatches`) leaves, the outside
 * addresses in it are added to that peer's nft set with the answer's TTL as timeout, so the
 * pod's next packet already meets them. Re-adding refreshes the timeout (add, delete, add:
 * one transaction, no error whether or not the element was there).
 */
export function answerWithPolicy(
  lookup: DnsLookup,
  fqdn: () => FqdnSets | undefined,
  log: (line: string) => void,
): (packet: Buffer) => Promise<Buffer | undefined> {
  return async (packet) => {
    const sets = fqdn();
    const q = sets && sets.sets.length > 0 ? parseQuery(packet) : undefined;
    if (sets && q && q.type === TYPE_A) {
      const ips = (lookup(q.name) ?? []).filter(isOutsideHostAddress);
      const matched = sets.sets.filter((s) => s.names.some((n) => domainNameMatches(n, q.name)));
      if (ips.length > 0 && matched.length > 0) {
        const elements = ips.map((ip) => `${ip} timeout ${DNS_TTL}s`).join(', ');
        const script = matched
          .flatMap(({ set }) => {
            const target = `inet ${sets.table} ${set} { ${elements} }`;
            return [
              `add element ${target}`,
              `delete element inet ${sets.table} ${set} { ${ips.join(', ')} }`,
              `add element ${target}`,
            ];
          })
          .join('\n');
        const out = await exec('ip', ['netns', 'exec', sets.netns, 'nft', '-f', '-'], {
          input: `${script}\n`,
          timeoutMs: 5000,
        });
        if (out.code !== 0)
          log(`dns: could not add ${ips.join(', ')} for ${q.name}: ${out.stderr.trim().slice(0, 300)}`);
      }
    }
    return dnsReply(packet, lookup);
  };
}

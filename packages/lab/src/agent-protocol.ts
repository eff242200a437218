/** What `netpol lab ...` commands ask the lab agent over its unix socket (one JSON line each way). */

export type PortRole = 'http' | 'echo' | 'dns';

export interface ServeRequest {
  /** Pod id `ns/name`, or `@outside/<host>` (never a pod id). */
  key: string;
  netns: string;
  /** What HTTP answers with. */
  name: string;
  ports: { port: number; protocol: 'TCP' | 'UDP'; role: PortRole }[];
}

export type AgentRequest =
  | { op: 'ping' }
  | { op: 'serve'; endpoints: ServeRequest[] }
  | { op: 'unserve'; keys: string[] }
  | { op: 'dns'; records: Record<string, string[]>; fqdn?: FqdnSets }
  | { op: 'shutdown' };

/**
 * The nft sets the DNS fills for `domainNames` peers (dataplane/tier-plan.ts
 * `domainNameSets`): an A answer for a name one of a set's names matches adds the outside
 * addresses answered to that set, with the answer's TTL as timeout, before the answer leaves.
 */
export interface FqdnSets {
  /** The node's network namespace and the table holding the sets. */
  netns: string;
  table: string;
  sets: { set: string; names: readonly string[] }[];
}

export interface AgentReply {
  ok: boolean;
  error?: string;
  pid?: number;
  failed?: { key: string; error: string }[];
  serving?: string[];
}

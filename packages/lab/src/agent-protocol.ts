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
  | { op: 'dns'; records: Record<string, string[]> }
  | { op: 'shutdown' };

export interface AgentReply {
  ok: boolean;
  error?: string;
  pid?: number;
  failed?: { key: string; error: string }[];
  serving?: string[];
}

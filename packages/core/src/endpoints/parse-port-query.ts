import type { PortQuery } from '../engine/types.js';
import type { Outcome } from '../issues.js';
import { PROTOCOLS, type Protocol } from '../model/types.js';
import { checkName } from '../validate/name-checks.js';

/** Why a text is not a port (the message says what a port looks like). */
export interface PortQueryError {
  code: 'port-invalid';
  message: string;
}

const invalid = (message: string) => ({ ok: false, error: { code: 'port-invalid', message } }) as const;

/**
 * `80`, `80/UDP`, `http`, `dns/udp`: a port number (1–65535) or a container port name
 * (IANA_SVC_NAME: lowercase letters, digits and `-`, at least one letter, at most 15
 * characters), optionally followed by `/TCP`, `/UDP` or `/SCTP` (any case; default TCP).
 */
export function parsePortQuery(text: string): Outcome<PortQuery, PortQueryError> {
  const trimmed = text.trim();
  const slash = trimmed.lastIndexOf('/');
  const portText = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const protocolText = slash < 0 ? 'TCP' : trimmed.slice(slash + 1).toUpperCase();
  if (!PROTOCOLS.includes(protocolText as Protocol)) {
    return invalid(`unknown protocol "${trimmed.slice(slash + 1)}" in "${text}": use TCP, UDP or SCTP`);
  }
  const protocol = protocolText as Protocol;
  if (/^\d+$/.test(portText)) {
    const port = Number(portText);
    if (port < 1 || port > 65535) return invalid(`port ${portText} is out of range 1-65535`);
    return { ok: true, value: { protocol, port } };
  }
  // A name no container port can have would match no port: refused with the API server's reason.
  const problem = checkName('port name', portText);
  if (!problem) return { ok: true, value: { protocol, port: portText } };
  return invalid(
    `"${text}" is not a port (${problem.message}): give a number (80), a container port name (http), optionally with /TCP, /UDP or /SCTP`,
  );
}

/** `80/TCP`, `dns/UDP`: how reports name a port (kubectl's order, and what `--port` takes). */
export function formatPortQuery(query: PortQuery): string {
  return `${query.port}/${query.protocol}`;
}

/**
 * Just enough of RFC 1035 to be a cluster DNS server: parse one question, answer A records
 * from a table, NODATA for other types of a known name, NXDOMAIN otherwise.
 */

export interface DnsQuestion {
  id: number;
  flags: number;
  name: string;
  type: number;
  qclass: number;
  /** Bytes of the question section, echoed back in the answer. */
  questionBytes: Buffer;
}

export const TYPE_A = 1;
const RCODE_NXDOMAIN = 3;
const RCODE_FORMERR = 1;

export function parseQuery(packet: Buffer): DnsQuestion | undefined {
  if (packet.length < 12) return undefined;
  const id = packet.readUInt16BE(0);
  const flags = packet.readUInt16BE(2);
  const qdcount = packet.readUInt16BE(4);
  if (qdcount < 1 || flags & 0x8000) return undefined;
  const labels: string[] = [];
  let offset = 12;
  for (let guard = 0; guard < 128; guard++) {
    if (offset >= packet.length) return undefined;
    const len = packet.readUInt8(offset);
    if (len === 0) {
      offset += 1;
      break;
    }
    if (len > 63 || offset + 1 + len > packet.length) return undefined;
    labels.push(packet.toString('latin1', offset + 1, offset + 1 + len));
    offset += 1 + len;
  }
  if (offset + 4 > packet.length) return undefined;
  const type = packet.readUInt16BE(offset);
  const qclass = packet.readUInt16BE(offset + 2);
  return {
    id,
    flags,
    name: labels.join('.').toLowerCase(),
    type,
    qclass,
    questionBytes: packet.subarray(12, offset + 4),
  };
}

/** Records: lower-case name → IPv4 addresses. `lookup` may compute names on the fly. */
export type DnsLookup = (name: string) => readonly string[] | undefined;

/** The TTL of every answer (seconds); also the timeout of what `domainNames` sets learn. */
export const DNS_TTL = 5;

export function buildAnswer(q: DnsQuestion, lookup: DnsLookup, ttl = DNS_TTL): Buffer {
  const ips = lookup(q.name);
  // QR, opcode copied, AA, RD copied, RA.
  let flags = 0x8000 | (q.flags & 0x7800) | 0x0400 | (q.flags & 0x0100) | 0x0080;
  let answers: Buffer[] = [];
  if (ips === undefined) flags |= RCODE_NXDOMAIN;
  else if (q.type === TYPE_A && q.qclass === 1) answers = ips.map((ip) => aRecord(ip, ttl));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, q.questionBytes, ...answers]);
}

/**
 * The server's reply to one packet: an answer to a query, FORMERR to a malformed query, and
 * nothing at all to a response (QR set): answering responses lets two servers, or a server
 * and a UDP echo fed one spoofed packet, bounce replies between them forever.
 */
export function dnsReply(packet: Buffer, lookup: DnsLookup): Buffer | undefined {
  if (isResponse(packet)) return undefined;
  const q = parseQuery(packet);
  return q ? buildAnswer(q, lookup) : formatError(packet);
}

function isResponse(packet: Buffer): boolean {
  return packet.length < 3 || (packet.readUInt8(2) & 0x80) !== 0;
}

export function formatError(packet: Buffer): Buffer | undefined {
  if (packet.length < 12 || isResponse(packet)) return undefined;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(packet.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8000 | RCODE_FORMERR, 2);
  return header;
}

function aRecord(ip: string, ttl: number): Buffer {
  const rr = Buffer.alloc(16);
  rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
  rr.writeUInt16BE(TYPE_A, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(ttl, 6);
  rr.writeUInt16BE(4, 10);
  ip.split('.').forEach((part, i) => {
    rr[12 + i] = Number(part);
  });
  return rr;
}

/** A query as a resolver would send it (tests and the probe use it). */
export function buildQuery(id: number, name: string, type = TYPE_A): Buffer {
  const parts = name.split('.').filter((p) => p !== '');
  const qname = Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'latin1')])),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([header, qname, tail]);
}

/** Addresses in an answer (tests). */
export function answerAddresses(packet: Buffer): { rcode: number; ips: string[] } {
  const rcode = packet.readUInt16BE(2) & 0xf;
  const ancount = packet.readUInt16BE(6);
  const q = parseQuestionEnd(packet);
  const ips: string[] = [];
  let offset = q;
  for (let i = 0; i < ancount; i++) {
    offset += 2; // name pointer
    const type = packet.readUInt16BE(offset);
    const rdlen = packet.readUInt16BE(offset + 8);
    if (type === TYPE_A) ips.push([...packet.subarray(offset + 10, offset + 14)].join('.'));
    offset += 10 + rdlen;
  }
  return { rcode, ips };
}

function parseQuestionEnd(packet: Buffer): number {
  let offset = 12;
  // An answer netpol's own server built: the name ends (a zero length) inside it.
  for (let len = packet.readUInt8(offset); len !== 0; len = packet.readUInt8(offset)) offset += 1 + len;
  return offset + 5;
}

import { formatIp } from './cidr.js';

/**
 * CIDR parsing exactly as the API server does it for legacy fields such as
 * `ipBlock.cidr`: k8s.io/utils/net ParseCIDRSloppy (Go 1.16's net.ParseCIDR, which allows
 * leading zeros and host bits), plus the warnings of GetWarningsForCIDR for values that a
 * stricter release will refuse. The StrictIPCIDRValidation gate is alpha and off by default,
 * so those values are warnings, not errors.
 */

export interface SloppyCidr {
  /** 4 for a dotted-quad address, 16 for any IPv6 text (an IPv4-mapped one included). */
  bytes: 4 | 16;
  /** The address as written. */
  ip: bigint;
  /** The prefix length, counted in `bytes * 8` bits. */
  prefix: number;
  /** The network address (host bits cleared). */
  network: bigint;
}

const BIG = 0xffffff;

/** Go's dtoi: decimal digits (leading zeros allowed); [value, consumed] or undefined. */
function dtoi(s: string): [number, number] | undefined {
  let n = 0;
  let i = 0;
  for (; i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
    n = n * 10 + (s.charCodeAt(i) - 48);
    if (n >= BIG) return undefined;
  }
  return i === 0 ? undefined : [n, i];
}

function xtoi(s: string): [number, number] | undefined {
  let n = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const d = Number.parseInt(s.charAt(i), 16);
    if (Number.isNaN(d)) break;
    n = n * 16 + d;
    if (n >= BIG) return undefined;
  }
  return i === 0 ? undefined : [n, i];
}

function parseIPv4Sloppy(text: string): bigint | undefined {
  let s = text;
  let value = 0n;
  for (let i = 0; i < 4; i++) {
    if (s.length === 0) return undefined;
    if (i > 0) {
      if (s[0] !== '.') return undefined;
      s = s.slice(1);
    }
    const r = dtoi(s);
    if (!r || r[0] > 0xff) return undefined;
    s = s.slice(r[1]);
    value = (value << 8n) | BigInt(r[0]);
  }
  return s.length === 0 ? value : undefined;
}

/** Go 1.16 net.parseIPv6 (no zones). */
function parseIPv6Sloppy(text: string): bigint | undefined {
  let ellipsis = -1;
  let s = text;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return 0n;
  }
  const bytes: number[] = [];
  while (bytes.length < 16) {
    const r = xtoi(s);
    if (!r || r[0] > 0xffff) return undefined;
    if (r[1] < s.length && s[r[1]] === '.') {
      if (ellipsis < 0 && bytes.length !== 12) return undefined;
      if (bytes.length + 4 > 16) return undefined;
      const v4 = parseIPv4Sloppy(s);
      if (v4 === undefined) return undefined;
      bytes.push(Number((v4 >> 24n) & 255n), Number((v4 >> 16n) & 255n), Number((v4 >> 8n) & 255n), Number(v4 & 255n));
      s = '';
      break;
    }
    bytes.push(r[0] >> 8, r[0] & 0xff);
    s = s.slice(r[1]);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = bytes.length;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  if (bytes.length < 16) {
    if (ellipsis < 0) return undefined;
    const missing = 16 - bytes.length;
    bytes.splice(ellipsis, 0, ...Array(missing).fill(0));
  } else if (ellipsis >= 0) {
    return undefined;
  }
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

function maskOf(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

export function parseCidrSloppy(text: string): SloppyCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addr = text.slice(0, slash);
  const maskText = text.slice(slash + 1);
  let bytes: 4 | 16 = 4;
  let ip = parseIPv4Sloppy(addr);
  if (ip === undefined) {
    bytes = 16;
    ip = addr.includes('%') ? undefined : parseIPv6Sloppy(addr);
  }
  const r = dtoi(maskText);
  if (ip === undefined || !r || r[1] !== maskText.length || r[0] > bytes * 8) return undefined;
  const prefix = r[0];
  return { bytes, ip, prefix, network: ip & maskOf(bytes * 8, prefix) };
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

function isV4Mapped(c: { bytes: number; ip: bigint }): boolean {
  return c.bytes === 16 && c.ip >> 32n === 0xffffn;
}

/** Go's net.IP.String(): IPv4-mapped IPv6 prints as dotted quad. */
function goIpString(bytes: 4 | 16, value: bigint): string {
  if (bytes === 16 && value >> 32n === 0xffffn) return formatIp({ family: 4, value: value & 0xffffffffn });
  return formatIp({ family: bytes === 4 ? 4 : 6, value });
}

/** Go's IPNet.String() of the parsed network. */
export function goNetworkString(c: SloppyCidr): string {
  if (c.bytes === 16 && isV4Mapped({ bytes: 16, ip: c.network }) && c.prefix >= 96) {
    return `${goIpString(16, c.network)}/${c.prefix - 96}`;
  }
  return `${goIpString(c.bytes, c.network)}/${c.prefix}`;
}

/**
 * IPNet.Contains(other.IP) && cidrMaskLen < exceptMaskLen — the "strict subset" test of
 * ValidateIPBlock. Contains compares IPv4-mapped addresses as IPv4.
 */
export function isStrictSubset(outer: SloppyCidr, inner: SloppyCidr): boolean {
  const asV4 = (bytes: number, value: bigint) =>
    bytes === 4 ? value : (value & ~0xffffffffn) === V4_MAPPED_PREFIX ? value & 0xffffffffn : undefined;
  let contains: boolean;
  const outerV4 = asV4(outer.bytes, outer.network);
  const innerV4 = asV4(inner.bytes, inner.network);
  if (outerV4 !== undefined) {
    const prefix = outer.bytes === 4 ? outer.prefix : outer.prefix - 96;
    contains = innerV4 !== undefined && prefix >= 0 && (innerV4 & maskOf(32, prefix)) === outerV4;
  } else {
    contains =
      inner.bytes === 16 && innerV4 === undefined && (inner.network & maskOf(128, outer.prefix)) === outer.network;
  }
  return contains && outer.prefix < inner.prefix;
}

/** Strict (netip) parse: no leading zeros anywhere, at most 4 hex digits per group. */
function isStrictText(text: string): boolean {
  const [addr = '', bits] = text.split('/');
  if (bits === undefined || !/^(0|[1-9]\d*)$/.test(bits)) return false;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(addr.slice(addr.lastIndexOf(':') + 1));
  if (v4?.slice(1).some((o) => o.length > 1 && o.startsWith('0'))) return false;
  if (addr.includes(':')) return addr.split(':').every((g) => g.includes('.') || g.length <= 4);
  return true;
}

/** GetWarningsForCIDR, without the leading `path: ` (the issue carries the path). */
export function cidrWarnings(text: string, c: SloppyCidr): string[] {
  const warnings: string[] = [];
  const network = goNetworkString(c);
  if (c.ip !== c.network) {
    const bits = isV4Mapped(c) ? 32 : c.bytes * 8;
    warnings.push(
      `CIDR value ${JSON.stringify(text)} is ambiguous in this context (should be ${JSON.stringify(network)} or ${JSON.stringify(`${goIpString(c.bytes, c.ip)}/${bits}`)}?)`,
    );
  }
  if (!isStrictText(text) || isV4Mapped(c)) {
    warnings.push(
      `non-standard CIDR value ${JSON.stringify(text)} will be considered invalid in a future Kubernetes release: use ${JSON.stringify(network)}`,
    );
  }
  if (warnings.length === 0 && c.bytes === 16) {
    const canonical = `${formatIp({ family: 6, value: c.ip })}/${c.prefix}`;
    if (canonical !== text) {
      warnings.push(
        `IPv6 CIDR value ${JSON.stringify(text)} should be in RFC 5952 canonical format (${JSON.stringify(canonical)})`,
      );
    }
  }
  return warnings;
}

/** A CIDR text as the API server reads it: its parse, the warnings it gets, the network a CNI sees. */
export interface CidrReading {
  parsed: SloppyCidr | undefined;
  warnings: readonly string[];
  /** `goNetworkString` of the parse (the text itself when it does not parse). */
  network: string;
}

/**
 * Readings by text: a cluster names a few blocks in thousands of policies (each namespace's
 * copy of one template), and each is validated and then built. Bounded: emptied when it
 * holds `MAX_READINGS` texts.
 */
const readings = new Map<string, CidrReading>();
const MAX_READINGS = 4096;

export function readCidr(text: string): CidrReading {
  let known = readings.get(text);
  if (!known) {
    const parsed = parseCidrSloppy(text);
    known = parsed
      ? { parsed, warnings: cidrWarnings(text, parsed), network: goNetworkString(parsed) }
      : { parsed, warnings: [], network: text };
    if (readings.size >= MAX_READINGS) readings.clear();
    readings.set(text, known);
  }
  return known;
}

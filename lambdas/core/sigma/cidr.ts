/**
 * IP address parsing shared by the matcher and the SQL backends. Both accept exactly the texts these
 * regular expressions accept (SQL evaluates the same expressions), so they agree on every input:
 * dotted-quad IPv4 without leading zeros, and IPv6 in full or `::`-compressed form (hex digits in
 * either case, no zone index, no embedded IPv4).
 */
export const IPV4_RE =
  '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$';

const H = '[0-9a-f]{1,4}';
/** Matched against the lower-cased text. */
export const IPV6_RE =
  `^((${H}:){7}${H}|(${H}:){1,7}:|(${H}:){1,6}:${H}|(${H}:){1,5}(:${H}){1,2}|(${H}:){1,4}(:${H}){1,3}|` +
  `(${H}:){1,3}(:${H}){1,4}|(${H}:){1,2}(:${H}){1,5}|${H}:(:${H}){1,6}|:((:${H}){1,7}|:))$`;

const ipv4 = new RegExp(IPV4_RE);
const ipv6 = new RegExp(IPV6_RE);

export interface Network {
  family: 4 | 6;
  prefix: number;
  /** The network address with host bits cleared: 4 or 16 bytes. */
  bytes: number[];
  text: string;
}

export function parseIpv4(text: string): number[] | undefined {
  if (!ipv4.test(text)) return undefined;
  return text.split('.').map(Number);
}

export function parseIpv6(text: string): number[] | undefined {
  const t = text.toLowerCase();
  if (!ipv6.test(t)) return undefined;
  const hextets = expandIpv6(t)
    .split(':')
    .map((h) => Number.parseInt(h, 16));
  return hextets.flatMap((h) => [h >> 8, h & 0xff]);
}

/** `a::b` -> eight groups; the SQL backends build the same text with replace() and repeat(). */
export function expandIpv6(t: string): string {
  const groups = t.match(/[0-9a-f]+/g)?.length ?? 0;
  return t.replace('::', `:${'0:'.repeat(8 - groups)}`).replace(/^:|:$/g, '');
}

export function parseCidr(text: string): Network | undefined {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const addr = m[1] as string;
  const v4 = parseIpv4(addr);
  const bytes = v4 ?? parseIpv6(addr);
  if (!bytes) return undefined;
  const family = v4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  const prefix = m[2] === undefined ? max : Number(m[2]);
  if (prefix > max) return undefined;
  return { family, prefix, bytes: maskBytes(bytes, prefix), text: `${addr}/${prefix}` };
}

export function maskBytes(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}

export function inNetwork(addr: number[], net: Network): boolean {
  if (addr.length !== net.bytes.length) return false;
  const masked = maskBytes(addr, net.prefix);
  return masked.every((b, i) => b === net.bytes[i]);
}

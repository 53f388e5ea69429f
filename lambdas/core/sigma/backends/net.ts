import type { Network } from '../cidr.js';

/** First and last address of an IPv4 network, as numbers. */
export function ipv4Range(net: Network): [number, number] {
  const base = net.bytes.reduce((acc, b) => acc * 256 + b, 0);
  return [base, base + 2 ** (32 - net.prefix) - 1];
}

/**
 * An IPv6 network as the hex-digit prefixes its addresses start with: the whole nibbles of the
 * prefix, plus each value the partial nibble may take. Lets SQL test membership with substr ... IN.
 */
export function ipv6Prefixes(net: Network): { length: number; prefixes: string[] } {
  const hex = net.bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  const whole = Math.floor(net.prefix / 4);
  const rest = net.prefix % 4;
  if (rest === 0) return { length: whole, prefixes: [hex.slice(0, whole)] };
  const nibble = Number.parseInt(hex[whole] as string, 16);
  const count = 2 ** (4 - rest);
  const prefixes = Array.from({ length: count }, (_, i) => hex.slice(0, whole) + (nibble + i).toString(16));
  return { length: whole + 1, prefixes };
}

import { isIP } from 'node:net';

const PRIVATE_V4: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 protocol assignments
  [0xc0000200, 24], // 192.0.2/24 TEST-NET-1
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xc6336400, 24], // 198.51.100/24 TEST-NET-2
  [0xcb007100, 24], // 203.0.113/24 TEST-NET-3
  [0xe0000000, 3], // multicast and reserved
];

/**
 * True for addresses reachable on the internet: only those have a country or a reputation, and
 * sending private addresses to a threat-intelligence service would leak internal topology.
 */
export function isPublicIp(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) {
    const n = ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    return !PRIVATE_V4.some(
      ([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)),
    );
  }
  if (family === 6) {
    const lower = ip.toLowerCase();
    if (lower === '::' || lower === '::1') return false;
    if (lower.startsWith('::ffff:')) return isPublicIp(lower.slice(7));
    // Global unicast is 2000::/3; ULA (fc00::/7), link-local (fe80::/10), multicast and documentation are not.
    return /^[23]/.test(lower) && !lower.startsWith('2001:db8');
  }
  return false;
}

import { isPublicIp } from './ip.js';
import type { Enrichment } from './types.js';

/** An offline IP-to-country database (geoip-country's GeoLite2 data in both runtimes). */
export interface GeoIp {
  lookup(ip: string): { country: string; name?: string } | undefined;
}

export function geolocate(ips: readonly string[], geo: GeoIp): Enrichment['geo'] {
  const out: Enrichment['geo'] = {};
  for (const ip of ips) {
    if (!isPublicIp(ip)) continue;
    const found = geo.lookup(ip);
    if (found) out[ip] = found;
  }
  return out;
}

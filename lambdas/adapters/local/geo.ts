import { createRequire } from 'node:module';
import type { GeoIp } from '../../core/alerts/enrichment/geo.js';

interface GeoipCountry {
  lookup(ip: string): { country: string; name?: string } | null;
}

let loaded: GeoipCountry | undefined;

/**
 * geoip-country's offline GeoLite2 country database. It is CommonJS and reads ~7 MB of data files
 * when first required, so it loads on first lookup, not at startup.
 */
export const offlineGeoIp: GeoIp = {
  lookup(ip) {
    loaded ??= createRequire(import.meta.url)('geoip-country') as GeoipCountry;
    const found = loaded.lookup(ip);
    if (!found?.country) return undefined;
    return found.name ? { country: found.country, name: found.name } : { country: found.country };
  },
};

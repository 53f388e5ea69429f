/**
 * What the identity sources' sample generators share: seeded randomness, one fictional organisation
 * (the same people sign in to Okta, Entra ID, Microsoft 365 and Google Workspace, so identity_events
 * joins across providers), their habits, and attacker infrastructure.
 */

import { Mulberry32 } from '../sources/mulberry32.js';

/** The shared mulberry32 source, seeded with a stream's seed (streamSeed) as it is. */
export class Rng extends Mulberry32 {}

/** A seed per stream, so adding events to one generator does not shift another's. */
export function streamSeed(seed: number, stream: string): number {
  let h = seed ^ 0x9e3779b9;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export const DOMAIN = 'northwind-labs.com';
export const TENANT_ID = '5f0c2a9e-7d41-4c3b-9a8e-2b6d1f4e8c71';

export interface Person {
  first: string;
  last: string;
  /** Mixed case on purpose: providers echo what users typed, canonicalUser lower-cases it. */
  email: string;
  department: string;
  country: string;
  city: string;
  state: string;
  lat: number;
  lon: number;
  /** Home and office addresses the person signs in from. */
  ips: readonly string[];
  userAgent: string;
  os: string;
  browser: string;
  /** UTC hour the person's working day starts. */
  startHour: number;
  admin: boolean;
}

const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const EDGE_WIN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0';
const SAFARI_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';

function person(
  first: string,
  last: string,
  department: string,
  where: [country: string, city: string, state: string, lat: number, lon: number],
  ips: string[],
  agent: [ua: string, os: string, browser: string],
  startHour: number,
  admin = false,
): Person {
  const [country, city, state, lat, lon] = where;
  const [userAgent, os, browser] = agent;
  return {
    first,
    last,
    email: `${first}.${last}@${DOMAIN}`,
    department,
    country,
    city,
    state,
    lat,
    lon,
    ips,
    userAgent,
    os,
    browser,
    startHour,
    admin,
  };
}

const SEATTLE: [string, string, string, number, number] = ['US', 'Seattle', 'Washington', 47.6062, -122.3321];
const NEW_YORK: [string, string, string, number, number] = ['US', 'New York', 'New York', 40.7128, -74.006];
const LONDON: [string, string, string, number, number] = ['GB', 'London', 'England', 51.5072, -0.1276];
const BERLIN: [string, string, string, number, number] = ['DE', 'Berlin', 'Berlin', 52.52, 13.405];

export const PEOPLE: readonly Person[] = [
  person(
    'Maria',
    'Garcia',
    'IT',
    SEATTLE,
    ['198.51.100.24', '203.0.113.77'],
    [CHROME_MAC, 'Mac OS X', 'CHROME'],
    16,
    true,
  ),
  person(
    'James',
    'Chen',
    'Engineering',
    SEATTLE,
    ['198.51.100.24', '203.0.113.91'],
    [FIREFOX_LINUX, 'Linux', 'FIREFOX'],
    17,
  ),
  person(
    'Aisha',
    'Okafor',
    'Finance',
    NEW_YORK,
    ['192.0.2.45', '192.0.2.160'],
    [EDGE_WIN, 'Windows 10', 'EDGE'],
    13,
  ),
  person(
    'Tom',
    'Becker',
    'Sales',
    BERLIN,
    ['198.51.100.140', '203.0.113.201'],
    [EDGE_WIN, 'Windows 10', 'EDGE'],
    7,
  ),
  person(
    'Priya',
    'Raman',
    'Engineering',
    LONDON,
    ['192.0.2.210', '198.51.100.66'],
    [SAFARI_MAC, 'Mac OS X', 'SAFARI'],
    8,
  ),
  person(
    'Lucas',
    'Moreau',
    'Marketing',
    LONDON,
    ['192.0.2.210', '203.0.113.12'],
    [CHROME_MAC, 'Mac OS X', 'CHROME'],
    9,
  ),
  person(
    'Emily',
    'Walsh',
    'HR',
    NEW_YORK,
    ['192.0.2.45', '198.51.100.203'],
    [EDGE_WIN, 'Windows 10', 'EDGE'],
    14,
  ),
  person(
    'Daniel',
    'Kim',
    'IT',
    SEATTLE,
    ['198.51.100.24', '203.0.113.150'],
    [CHROME_MAC, 'Mac OS X', 'CHROME'],
    16,
    true,
  ),
];

/** Attacker infrastructure: a VPS for password spraying, a residential proxy abroad, a Tor exit. */
export const ATTACKER = {
  sprayIp: '185.220.101.34',
  sprayUserAgent: 'python-requests/2.31.0',
  proxyIp: '91.132.147.18',
  proxyCountry: 'RU',
  proxyCity: 'Moscow',
  proxyLat: 55.7558,
  proxyLon: 37.6173,
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36',
  externalMailbox: 'invoices.northwind@protonmail.com',
} as const;

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The working-day sign-in instants of a person over the sample window: one per weekday morning,
 * at the person's start hour plus jitter, never after `end`.
 */
export function workdayStarts(rng: Rng, p: Person, end: number, days: number): number[] {
  const out: number[] = [];
  const firstDay = Math.floor((end - days * 24 * HOUR) / (24 * HOUR));
  for (let d = firstDay; d <= Math.floor(end / (24 * HOUR)); d++) {
    const day = new Date(d * 24 * HOUR);
    const weekday = day.getUTCDay();
    if ((weekday === 0 || weekday === 6) && !rng.chance(0.15)) continue;
    const t = d * 24 * HOUR + p.startHour * HOUR + rng.int(0, 50) * MINUTE + rng.int(0, 59) * 1000;
    if (t > end - 5 * MINUTE || t < end - days * 24 * HOUR) continue;
    out.push(t);
  }
  return out;
}

/** Newline-delimited JSON bytes. */
export function ndjson(records: readonly unknown[]): Uint8Array {
  return new TextEncoder().encode(`${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
}

/** One JSON document's bytes. */
export function jsonBytes(document: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(document));
}

/**
 * Duo sample: staff signing in to SSO, VPN and Slack with Duo Push or passcodes through the working
 * day (an occasional push left unanswered), administrators at work; and two attacks: push fatigue
 * against j.morgan (a burst of pushes from a foreign address, denied or ignored, then one approved),
 * and an administrator creating a bypass code that is then used to sign in. Written as the Admin API
 * returns pages: authentication logs v2 and administrator logs, one page per hour.
 */
import { HOUR_MS, hours, Rng, sampleRange, workload } from '../custom/sample-kit.js';
import type { SampleFile, SampleOptions } from '../types.js';

type AuthLog = Record<string, unknown> & { timestamp: number };

const USERS = [
  {
    name: 'j.morgan@acme.io',
    key: 'DU3RP9I2WE5XBDW1LJ3K',
    ip: '73.158.22.9',
    city: 'Oakland',
    state: 'California',
    os: 'Mac OS X',
    phone: 'iPhone 15',
  },
  {
    name: 'a.kowalski@acme.io',
    key: 'DU7XQ2HF9M4LC8T0PZ1A',
    ip: '98.42.117.5',
    city: 'Chicago',
    state: 'Illinois',
    os: 'Windows',
    phone: 'Pixel 8',
  },
  {
    name: 'r.osei@acme.io',
    key: 'DUK4D8WN2J7QF1S5GH3V',
    ip: '24.6.141.88',
    city: 'Austin',
    state: 'Texas',
    os: 'Mac OS X',
    phone: 'iPhone 14',
  },
  {
    name: 'm.chen@acme.io',
    key: 'DUB6T1YR8P3ZC9E2MN4Q',
    ip: '67.180.3.201',
    city: 'Seattle',
    state: 'Washington',
    os: 'Windows',
    phone: 'Galaxy S24',
  },
];
const APPS = [
  { name: 'Okta SSO', key: 'DIY3H0GKHK9D7BCUQD2L' },
  { name: 'Cisco AnyConnect VPN', key: 'DIQ4TR1NE8AJ0W3S7PGX' },
  { name: 'Slack', key: 'DI9Z2LPBX6M3C8QF1HVE' },
];
const ADMIN = 'Dana Whitfield';

interface Auth {
  t: number;
  user: (typeof USERS)[number];
  app: (typeof APPS)[number];
  factor: string;
  result: 'success' | 'denied' | 'fraud';
  reason: string;
  ip?: string;
  where?: { city: string; state: string; country: string };
  browser?: string;
}

function auth(rng: Rng, a: Auth): AuthLog {
  const iso = new Date(a.t).toISOString().replace(/\.\d+Z$/, '+00:00');
  const where = a.where ?? { city: a.user.city, state: a.user.state, country: 'United States' };
  return {
    access_device: {
      browser: a.browser ?? 'Chrome',
      browser_version: '130.0.6723.92',
      hostname: null,
      ip: a.ip ?? a.user.ip,
      is_encryption_enabled: 'unknown',
      is_firewall_enabled: 'unknown',
      is_password_set: 'unknown',
      location: where,
      os: a.user.os,
      os_version: a.user.os === 'Windows' ? '11' : '15.1',
    },
    adaptive_trust_assessments: {},
    alias: '',
    application: a.app,
    auth_device:
      a.factor === 'duo_push'
        ? {
            ip: '172.58.12.77',
            location: { city: a.user.city, state: a.user.state, country: 'United States' },
            name: a.user.phone,
            key: `DP${a.user.key.slice(2)}`,
          }
        : { ip: null, location: { city: null, state: null, country: null }, name: null, key: null },
    email: a.user.name,
    event_type: 'authentication',
    factor: a.factor,
    isotimestamp: iso,
    ood_software: null,
    reason: a.reason,
    result: a.result,
    timestamp: Math.floor(a.t / 1000),
    trusted_endpoint_status: 'not trusted',
    txid: rng.uuid(),
    user: { groups: ['Staff'], key: a.user.key, name: a.user.name },
  };
}

function admin(t: number, action: string, object: string | null, description: Record<string, unknown>) {
  return {
    action,
    description: JSON.stringify(description),
    isotimestamp: new Date(t).toISOString().replace(/\.\d+Z$/, '+00:00'),
    object,
    timestamp: Math.floor(t / 1000),
    username: ADMIN,
  };
}

function benignHour(rng: Rng, h: number, out: AuthLog[]) {
  for (const user of USERS) {
    for (let i = rng.poisson(1.5 * workload(h)); i > 0; i--) {
      const t = h + rng.int(0, HOUR_MS - 1);
      const app = rng.pick(APPS);
      const factor = rng.next() < 0.8 ? 'duo_push' : 'duo_mobile_passcode';
      const missed = factor === 'duo_push' && rng.next() < 0.05;
      if (missed)
        out.push(auth(rng, { t: t - 62_000, user, app, factor, result: 'denied', reason: 'no_response' }));
      const reason = factor === 'duo_push' ? 'user_approved' : 'valid_passcode';
      out.push(auth(rng, { t, user, app, factor, result: 'success', reason }));
    }
  }
}

/** 10 denied and 4 unanswered pushes in about 12 minutes from a foreign address, then an approval. */
function pushFatigue(rng: Rng, end: number): AuthLog[] {
  const user = USERS[0] ?? (USERS[1] as (typeof USERS)[number]);
  const ip = `185.156.73.${rng.int(10, 99)}`;
  const where = { city: 'Amsterdam', state: 'North Holland', country: 'Netherlands' };
  const app = APPS[0] ?? { name: 'Okta SSO', key: '' };
  let t = end - rng.int(80, 95) * 60_000;
  const out: AuthLog[] = [];
  const reasons = [
    'user_cancelled',
    'user_cancelled',
    'no_response',
    'user_cancelled',
    'user_cancelled',
    'no_response',
    'user_cancelled',
    'user_cancelled',
    'no_response',
    'user_cancelled',
    'user_cancelled',
    'no_response',
    'user_cancelled',
    'user_cancelled',
  ];
  for (const reason of reasons) {
    out.push(
      auth(rng, {
        t,
        user,
        app,
        factor: 'duo_push',
        result: 'denied',
        reason,
        ip,
        where,
        browser: 'Firefox',
      }),
    );
    t += rng.int(30, 65) * 1000;
  }
  out.push(
    auth(rng, {
      t,
      user,
      app,
      factor: 'duo_push',
      result: 'success',
      reason: 'user_approved',
      ip,
      where,
      browser: 'Firefox',
    }),
  );
  return out;
}

export function generateDuoLogs(opts: SampleOptions): { auth: AuthLog[]; admin: ReturnType<typeof admin>[] } {
  const { first, last, end } = sampleRange(opts);
  const rng = new Rng(opts.seed, 'duo');
  const logs: AuthLog[] = [];
  const admins: ReturnType<typeof admin>[] = [];
  for (const h of hours(first, last)) {
    benignHour(rng, h, logs);
    if (rng.next() < 0.05 * workload(h)) {
      const t = h + rng.int(0, HOUR_MS - 1);
      admins.push(
        admin(t, 'admin_login', null, {
          ip_address: '73.158.22.40',
          device: '555-0142',
          factor: 'push',
          primary_auth_method: 'Password',
        }),
      );
      admins.push(admin(t + 90_000, 'user_update', rng.pick(USERS).name, { phones: 'iPhone 15' }));
    }
  }
  const attack = new Rng(opts.seed, 'duo/attack');
  logs.push(...pushFatigue(attack, end));
  // A bypass code for the kiosk account, used a few minutes later.
  const t = end - attack.int(30, 40) * 60_000;
  const kiosk = {
    name: 'kiosk-frontdesk@acme.io',
    key: 'DUF0R7KI5O3S8K9Y2D1E',
    ip: '203.0.113.77',
    city: 'Oakland',
    state: 'California',
    os: 'Windows',
    phone: '',
  };
  admins.push(
    admin(t, 'bypass_create', kiosk.name, {
      bypass: '',
      count: 1,
      valid_secs: 3600,
      auto_generated: true,
      remaining_uses: 5,
      user_id: kiosk.key,
    }),
  );
  logs.push(
    auth(attack, {
      t: t + 240_000,
      user: kiosk,
      app: APPS[1] ?? { name: 'VPN', key: '' },
      factor: 'bypass_code',
      result: 'success',
      reason: 'bypass_user',
    }),
  );
  const inRange = (ms: number) => ms >= first && ms <= last;
  return {
    auth: logs.filter((l) => inRange(l.timestamp * 1000)).sort((a, b) => a.timestamp - b.timestamp),
    admin: admins.filter((l) => inRange(l.timestamp * 1000)).sort((a, b) => a.timestamp - b.timestamp),
  };
}

/**
 * Admin API pages as a collector saves them: `duo/authentication/<hour>.json`,
 * `duo/administrator/<day>.json`.
 */
export function duoSampleFiles(opts: SampleOptions): SampleFile[] {
  const { auth: authLogs, admin: adminLogs } = generateDuoLogs(opts);
  const pages = new Map<string, AuthLog[]>();
  for (const l of authLogs) {
    const path = `duo/authentication/${new Date(l.timestamp * 1000).toISOString().slice(0, 13)}.json`;
    pages.set(path, [...(pages.get(path) ?? []), l]);
  }
  const files: SampleFile[] = [...pages].map(([path, authlogs]) => {
    const lastLog = authlogs[authlogs.length - 1];
    const next_offset = lastLog ? [String(lastLog.timestamp * 1000), String(lastLog.txid)] : null;
    const body = {
      stat: 'OK',
      response: { authlogs, metadata: { next_offset, total_objects: authlogs.length } },
    };
    return { path, body: Buffer.from(JSON.stringify(body)) };
  });
  const days = new Map<string, ReturnType<typeof admin>[]>();
  for (const l of adminLogs) {
    const path = `duo/administrator/${l.isotimestamp.slice(0, 10)}.json`;
    days.set(path, [...(days.get(path) ?? []), l]);
  }
  for (const [path, response] of days)
    files.push({ path, body: Buffer.from(JSON.stringify({ stat: 'OK', response })) });
  return files;
}

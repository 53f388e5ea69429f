/**
 * Okta System Log sample: the organisation's people signing in with Okta Verify push, single sign-on
 * to their apps, the odd mistyped password, and three attacks: a password spray from a VPS (one
 * account falls), MFA push fatigue (a burst of denied pushes, then an accepted one from abroad), and
 * a session through an anonymising proxy that grants Super administrator. Delivered as the System
 * Log API returns it: one JSON array of LogEvents per day.
 */
import {
  ATTACKER,
  DOMAIN,
  HOUR,
  iso,
  jsonBytes,
  MINUTE,
  PEOPLE,
  type Person,
  Rng,
  streamSeed,
  workdayStarts,
} from '../../identity/sample-kit.js';
import type { SampleFile, SampleOptions } from '../types.js';

type LogEvent = Record<string, unknown>;

const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States',
  GB: 'United Kingdom',
  DE: 'Germany',
  RU: 'Russia',
  NL: 'Netherlands',
};

const APPS = ['Slack', 'Salesforce.com', 'AWS IAM Identity Center', 'GitHub Enterprise Cloud', 'Zoom'];

interface Client {
  ip: string;
  ua: string;
  os: string;
  browser: string;
  country: string;
  city: string;
  state: string;
  lat: number;
  lon: number;
  proxy?: boolean;
}

function clientOf(p: Person, ip: string): Client {
  return {
    ip,
    ua: p.userAgent,
    os: p.os,
    browser: p.browser,
    country: p.country,
    city: p.city,
    state: p.state,
    lat: p.lat,
    lon: p.lon,
  };
}

const SPRAY_CLIENT: Client = {
  ip: ATTACKER.sprayIp,
  ua: ATTACKER.sprayUserAgent,
  os: 'Unknown',
  browser: 'UNKNOWN',
  country: 'NL',
  city: 'Amsterdam',
  state: 'North Holland',
  lat: 52.3676,
  lon: 4.9041,
};

const PROXY_CLIENT: Client = {
  ip: ATTACKER.proxyIp,
  ua: ATTACKER.userAgent,
  os: 'Windows 10',
  browser: 'CHROME',
  country: ATTACKER.proxyCountry,
  city: ATTACKER.proxyCity,
  state: 'Moscow',
  lat: ATTACKER.proxyLat,
  lon: ATTACKER.proxyLon,
  proxy: true,
};

interface EventOpts {
  result?: 'SUCCESS' | 'FAILURE' | 'ALLOW' | 'DENY' | 'CHALLENGE';
  reason?: string;
  message: string;
  severity?: 'INFO' | 'WARN';
  target?: LogEvent[];
  debug?: Record<string, unknown>;
  session?: string;
  credentialType?: string;
  legacy?: string;
}

class OktaGen {
  readonly events: LogEvent[] = [];
  constructor(readonly rng: Rng) {}

  actor(p: Person): LogEvent {
    return {
      id: userId(p),
      type: 'User',
      alternateId: p.email,
      displayName: `${p.first} ${p.last}`,
      detailEntry: null,
    };
  }

  emit(t: number, eventType: string, actor: LogEvent, client: Client, o: EventOpts): LogEvent {
    const requestId = this.rng.alnum(27);
    const event: LogEvent = {
      actor,
      client: {
        userAgent: { rawUserAgent: client.ua, os: client.os, browser: client.browser },
        zone: 'null',
        device: 'Computer',
        id: null,
        ipAddress: client.ip,
        geographicalContext: {
          city: client.city,
          state: client.state,
          country: COUNTRY_NAMES[client.country] ?? client.country,
          postalCode: null,
          geolocation: { lat: client.lat, lon: client.lon },
        },
      },
      device: null,
      authenticationContext: {
        authenticationProvider: null,
        credentialProvider: null,
        credentialType: o.credentialType ?? null,
        issuer: null,
        interface: null,
        authenticationStep: 0,
        externalSessionId: o.session ?? 'unknown',
      },
      displayMessage: o.message,
      eventType,
      outcome: { result: o.result ?? 'SUCCESS', reason: o.reason ?? null },
      published: iso(t),
      securityContext: {
        asNumber: client.proxy ? 60729 : 7922,
        asOrg: client.proxy ? 'zwiebelfreunde e.v.' : 'comcast',
        isp: client.proxy ? 'tor exit node' : 'comcast cable communications',
        domain: client.proxy ? null : 'comcast.net',
        isProxy: client.proxy ?? false,
      },
      severity: o.severity ?? 'INFO',
      debugContext: {
        debugData: { requestId, requestUri: '/idp/idx/identify', url: '/idp/idx/identify?', ...o.debug },
      },
      legacyEventType: o.legacy ?? null,
      transaction: { type: 'WEB', id: requestId, detail: {} },
      uuid: this.rng.uuid(),
      version: '0',
      request: {
        ipChain: [
          {
            ip: client.ip,
            geographicalContext: {
              city: client.city,
              state: client.state,
              country: COUNTRY_NAMES[client.country] ?? client.country,
              postalCode: null,
              geolocation: { lat: client.lat, lon: client.lon },
            },
            version: 'V4',
            source: null,
          },
        ],
      },
      target: o.target ?? [],
    };
    this.events.push(event);
    return event;
  }

  /** Password, Okta Verify push, session: the ordinary morning sign-in. */
  signIn(t: number, p: Person, client: Client, session: string): number {
    const a = this.actor(p);
    if (this.rng.chance(0.08)) {
      this.emit(t, 'user.session.start', a, client, {
        result: 'FAILURE',
        reason: 'INVALID_CREDENTIALS',
        message: 'User login to Okta',
        legacy: 'core.user_auth.login_failed',
      });
      t += this.rng.int(10, 40) * 1000;
    }
    this.emit(t, 'system.push.send_factor_verify_push', a, client, {
      message: 'A push notification was sent to the user’s device',
      session,
    });
    t += this.rng.int(4, 15) * 1000;
    this.emit(t, 'user.authentication.auth_via_mfa', a, client, {
      message: 'Authentication of user via MFA',
      session,
      credentialType: 'OTP',
      debug: { factor: 'OKTA_VERIFY_PUSH' },
      legacy: 'core.user.factor.attempt_success',
    });
    t += 1000;
    this.emit(t, 'user.session.start', a, client, {
      message: 'User login to Okta',
      session,
      credentialType: 'PASSWORD',
      legacy: 'core.user_auth.login_success',
    });
    return t;
  }
}

function userId(p: Person): string {
  return `00u${p.first.toLowerCase().padEnd(6, 'x').slice(0, 6)}${p.last.toLowerCase().padEnd(6, 'x').slice(0, 6)}697`;
}

function benign(g: OktaGen, end: number, days: number): void {
  for (const p of PEOPLE) {
    for (const start of workdayStarts(g.rng, p, end, days)) {
      const ip = g.rng.chance(0.8) ? (p.ips[0] as string) : g.rng.pick(p.ips);
      const client = clientOf(p, ip);
      const session = `102${g.rng.alnum(22)}`;
      let t = g.signIn(start, p, client, session);
      const apps = g.rng.int(2, 5);
      for (let i = 0; i < apps; i++) {
        t += g.rng.int(2, 90) * MINUTE;
        if (t > end - MINUTE) break;
        const app = g.rng.pick(APPS);
        g.emit(t, 'user.authentication.sso', g.actor(p), client, {
          message: 'User single sign on to app',
          session,
          target: [
            {
              id: `0oa${g.rng.alnum(17)}`,
              type: 'AppInstance',
              alternateId: app,
              displayName: app,
              detailEntry: { signOnModeType: 'SAML_2_0' },
            },
          ],
        });
      }
      if (g.rng.chance(0.03)) {
        t += g.rng.int(5, 30) * MINUTE;
        if (t < end - MINUTE) {
          g.emit(t, 'user.account.update_password', g.actor(p), client, {
            message: 'User update password for Okta',
            session,
            target: [g.actor(p)],
          });
        }
      }
      const out = start + g.rng.int(8, 10) * HOUR;
      if (g.rng.chance(0.5) && out < end - MINUTE) {
        g.emit(out, 'user.session.end', g.actor(p), client, { message: 'User logout from Okta', session });
      }
    }
  }
}

/** Twelve accounts, one password, ten minutes, one VPS; Aisha's account falls. */
function passwordSpray(g: OktaGen, end: number): void {
  let t = end - 20 * HOUR;
  const guessed = ['admin', 'it.support', 'j.smith', 'helpdesk'].map((n) => ({
    id: 'unknown',
    type: 'User',
    alternateId: `${n}@${DOMAIN}`,
    displayName: 'unknown',
    detailEntry: null,
  }));
  const victims = [...PEOPLE.map((p) => g.actor(p)), ...guessed];
  for (const actor of victims) {
    t += g.rng.int(20, 60) * 1000;
    const hit = actor.alternateId === PEOPLE[2]?.email;
    g.emit(t, 'user.session.start', actor, SPRAY_CLIENT, {
      result: hit ? 'SUCCESS' : 'FAILURE',
      ...(hit ? {} : { reason: actor.id === 'unknown' ? 'VERIFICATION_ERROR' : 'INVALID_CREDENTIALS' }),
      message: 'User login to Okta',
      severity: hit ? 'INFO' : 'WARN',
      credentialType: 'PASSWORD',
      legacy: hit ? 'core.user_auth.login_success' : 'core.user_auth.login_failed',
      session: hit ? `102${g.rng.alnum(22)}` : 'unknown',
    });
  }
}

/** Fourteen pushes, thirteen denied, the fourteenth accepted at 02:00 the user's time. */
function pushFatigue(g: OktaGen, end: number): void {
  const victim = PEOPLE[1] as Person;
  const a = g.actor(victim);
  const session = `102${g.rng.alnum(22)}`;
  let t = end - 3 * HOUR;
  for (let i = 0; i < 14; i++) {
    g.emit(t, 'system.push.send_factor_verify_push', a, PROXY_CLIENT, {
      message: 'A push notification was sent to the user’s device',
      session,
    });
    t += g.rng.int(15, 40) * 1000;
    if (i < 13) {
      g.emit(t, 'user.mfa.okta_verify.deny_push', a, PROXY_CLIENT, {
        result: 'FAILURE',
        reason: 'INVALID_CREDENTIALS',
        message: 'User rejected Okta push verify',
        severity: 'WARN',
        session,
        debug: { factor: 'OKTA_VERIFY_PUSH' },
      });
      t += g.rng.int(5, 20) * 1000;
    }
  }
  g.emit(t, 'user.authentication.auth_via_mfa', a, PROXY_CLIENT, {
    message: 'Authentication of user via MFA',
    session,
    credentialType: 'OTP',
    debug: { factor: 'OKTA_VERIFY_PUSH' },
  });
  g.emit(t + 1000, 'user.session.start', a, PROXY_CLIENT, {
    message: 'User login to Okta',
    session,
    credentialType: 'PASSWORD',
  });
}

/** An admin session through Tor grants Super administrator to the account taken over above. */
function proxyAdminGrant(g: OktaGen, end: number): void {
  const admin = PEOPLE[7] as Person;
  const grantee = PEOPLE[1] as Person;
  const session = `102${g.rng.alnum(22)}`;
  const t = end - 2 * HOUR;
  g.emit(t, 'user.session.start', g.actor(admin), PROXY_CLIENT, {
    message: 'User login to Okta',
    session,
    credentialType: 'PASSWORD',
  });
  g.emit(t + 4 * MINUTE, 'user.account.privilege.grant', g.actor(admin), PROXY_CLIENT, {
    message: 'Grant user privilege',
    session,
    target: [g.actor(grantee)],
    debug: { privilegeGranted: 'Super administrator' },
    legacy: 'core.user.admin_privilege.granted',
  });
}

export function generateOktaEvents(opts: SampleOptions): LogEvent[] {
  const end = opts.end.getTime();
  const g = new OktaGen(new Rng(streamSeed(opts.seed, 'okta')));
  benign(g, end, opts.days);
  passwordSpray(g, end);
  pushFatigue(g, end);
  proxyAdminGrant(g, end);
  return g.events.sort((x, y) => String(x.published).localeCompare(String(y.published)));
}

export function oktaSampleFiles(opts: SampleOptions): SampleFile[] {
  const byDay = new Map<string, LogEvent[]>();
  for (const e of generateOktaEvents(opts)) {
    const day = String(e.published).slice(0, 10);
    const list = byDay.get(day) ?? [];
    byDay.set(day, list);
    list.push(e);
  }
  return [...byDay].map(([day, events]) => ({
    path: `okta/system-log/${day.replaceAll('-', '/')}/okta-system-log-${day}.json`,
    body: jsonBytes(events),
  }));
}

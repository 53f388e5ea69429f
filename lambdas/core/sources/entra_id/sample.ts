/**
 * Entra ID sample. Sign-ins arrive as the diagnostic-settings export writes them to a storage
 * account (one NDJSON blob per hour, `properties` holding the Graph signIn); directory audits as
 * Graph API pages (`{"value": [...]}`). Benign: morning sign-ins with Authenticator push, token
 * refreshes, the odd wrong password, group and profile changes. Attacks on Maria Garcia (an IT
 * admin in Seattle): an MFA push she denies from Moscow, then a single-factor legacy-protocol
 * sign-in from Moscow 40 minutes after her Seattle sign-in (impossible travel, flagged risky), a
 * new user created and added to Global Administrator from that session.
 */
import {
  ATTACKER,
  DOMAIN,
  HOUR,
  iso,
  jsonBytes,
  MINUTE,
  ndjson,
  PEOPLE,
  type Person,
  Rng,
  streamSeed,
  TENANT_ID,
  workdayStarts,
} from '../../identity/sample-kit.js';
import type { SampleFile, SampleOptions } from '../types.js';

type Json = Record<string, unknown>;

const APPS = [
  { id: '4765445b-32c6-49b0-83e6-1d93765276ca', name: 'OfficeHome', resource: 'Office 365 Exchange Online' },
  {
    id: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
    name: 'Microsoft Teams',
    resource: 'Microsoft Teams Services',
  },
  {
    id: '00000002-0000-0ff1-ce00-000000000000',
    name: 'Office 365 Exchange Online',
    resource: 'Office 365 Exchange Online',
  },
  {
    id: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
    name: 'Azure Portal',
    resource: 'Windows Azure Service Management API',
  },
];

const ERRORS: Record<number, [reason: string, details?: string]> = {
  0: ['Other.'],
  50126: ['Error validating credentials due to invalid username or password.'],
  500121: [
    'Authentication failed during strong authentication request.',
    'MFA denied; user declined the authentication',
  ],
};

interface Where {
  ip: string;
  country: string;
  city: string;
  state: string;
  lat: number;
  lon: number;
  ua: string;
  os: string;
  browser: string;
}

const MOSCOW: Where = {
  ip: ATTACKER.proxyIp,
  country: ATTACKER.proxyCountry,
  city: ATTACKER.proxyCity,
  state: 'Moscow',
  lat: ATTACKER.proxyLat,
  lon: ATTACKER.proxyLon,
  ua: 'BAV2ROPC',
  os: '',
  browser: '',
};

function home(p: Person, ip: string): Where {
  return {
    ip,
    country: p.country,
    city: p.city,
    state: p.state,
    lat: p.lat,
    lon: p.lon,
    ua: p.userAgent,
    os: p.os,
    browser: p.browser,
  };
}

const userOid = (p: Pick<Person, 'first' | 'last'>) =>
  `${p.first.length}${p.last.length}0c1a2b-3c4d-4e5f-8a9b-${(p.first + p.last)
    .toLowerCase()
    .padEnd(12, '0')
    .slice(0, 12)
    .replace(/[^a-f0-9]/g, 'a')}`;

interface SigninOpts {
  code?: number;
  interactive?: boolean;
  mfa?: string;
  requirement?: 'singleFactorAuthentication' | 'multiFactorAuthentication';
  clientApp?: string;
  risk?: { level: string; state: string; events: string[] };
  deviceId?: string;
  trustType?: string;
}

class EntraGen {
  readonly signins: Json[] = [];
  readonly audits: Json[] = [];
  constructor(readonly rng: Rng) {}

  signin(t: number, p: Person, w: Where, o: SigninOpts = {}): Json {
    const code = o.code ?? 0;
    const app = this.rng.pick(APPS);
    const [reason, details] = ERRORS[code] ?? ['Other.'];
    const interactive = o.interactive ?? true;
    const props: Json = {
      id: this.rng.uuid(),
      createdDateTime: iso(t),
      userDisplayName: `${p.first} ${p.last}`,
      userPrincipalName: p.email,
      userId: userOid(p),
      userType: 'Member',
      appId: app.id,
      appDisplayName: app.name,
      ipAddress: w.ip,
      clientAppUsed: o.clientApp ?? 'Browser',
      correlationId: this.rng.uuid(),
      sessionId: this.rng.uuid(),
      uniqueTokenIdentifier: this.rng.alnum(22),
      conditionalAccessStatus: code === 0 ? 'success' : 'notApplied',
      isInteractive: interactive,
      authenticationRequirement:
        o.requirement ??
        (o.mfa || code === 500121 ? 'multiFactorAuthentication' : 'singleFactorAuthentication'),
      authenticationProtocol: o.clientApp === 'Exchange ActiveSync' ? 'ropc' : 'none',
      riskDetail: 'none',
      riskLevelAggregated: o.risk?.level ?? 'none',
      riskLevelDuringSignIn: o.risk?.level ?? 'none',
      riskState: o.risk?.state ?? 'none',
      riskEventTypes_v2: o.risk?.events ?? [],
      signInEventTypes: [interactive ? 'interactiveUser' : 'nonInteractiveUser'],
      resourceDisplayName: app.resource,
      resourceId: '00000002-0000-0ff1-ce00-000000000000',
      userAgent: w.ua,
      status: { errorCode: code, failureReason: reason, additionalDetails: details ?? null },
      deviceDetail: {
        deviceId: o.deviceId ?? '',
        displayName: '',
        operatingSystem: w.os,
        browser: w.browser,
        isCompliant: o.deviceId !== undefined,
        isManaged: o.deviceId !== undefined,
        trustType: o.trustType ?? '',
      },
      location: {
        city: w.city,
        state: w.state,
        countryOrRegion: w.country,
        geoCoordinates: { altitude: null, latitude: w.lat, longitude: w.lon },
      },
      mfaDetail: o.mfa ? { authMethod: o.mfa, authDetail: null } : null,
      appliedConditionalAccessPolicies: [
        {
          id: 'b0a1c2d3-1111-4aaa-8bbb-000000000001',
          displayName: 'Require MFA for all users',
          enforcedGrantControls: ['Mfa'],
          result: code === 0 ? 'success' : 'notApplied',
        },
      ],
      networkLocationDetails: [],
      authenticationDetails: o.mfa ? [{ authenticationMethod: o.mfa, succeeded: code === 0 }] : [],
    };
    const record: Json = {
      time: iso(t + 1500),
      resourceId: `/tenants/${TENANT_ID}/providers/Microsoft.aadiam`,
      operationName: 'Sign-in activity',
      operationVersion: '1.0',
      category: interactive ? 'SignInLogs' : 'NonInteractiveUserSignInLogs',
      tenantId: TENANT_ID,
      resultType: String(code),
      resultSignature: code === 0 ? 'SUCCESS' : 'None',
      resultDescription: code === 0 ? undefined : reason,
      durationMs: 0,
      callerIpAddress: w.ip,
      correlationId: props.correlationId,
      identity: `${p.first} ${p.last}`,
      Level: 4,
      location: w.country,
      properties: props,
    };
    this.signins.push(record);
    return record;
  }

  audit(
    t: number,
    activity: string,
    category: string,
    by: Person,
    ip: string,
    targets: Json[],
    service = 'Core Directory',
  ): Json {
    const record: Json = {
      id: `Directory_${this.rng.uuid()}_${this.rng.alnum(5).toUpperCase()}_${this.rng.int(10000000, 99999999)}`,
      category,
      correlationId: this.rng.uuid(),
      result: 'success',
      resultReason: '',
      activityDisplayName: activity,
      activityDateTime: iso(t),
      loggedByService: service,
      operationType: activity.split(' ')[0] === 'Add' ? 'Assign' : 'Update',
      initiatedBy: {
        user: { id: userOid(by), displayName: null, userPrincipalName: by.email, ipAddress: ip },
        app: null,
      },
      targetResources: targets,
      additionalDetails: [{ key: 'User-Agent', value: by.userAgent }],
    };
    this.audits.push(record);
    return record;
  }
}

const userTarget = (p: Pick<Person, 'first' | 'last' | 'email'>, modified: Json[] = []): Json => ({
  id: userOid(p),
  displayName: null,
  type: 'User',
  userPrincipalName: p.email,
  modifiedProperties: modified,
});

function benign(g: EntraGen, end: number, days: number): void {
  for (const p of PEOPLE) {
    for (const start of workdayStarts(g.rng, p, end, days)) {
      const w = home(p, g.rng.chance(0.8) ? (p.ips[0] as string) : g.rng.pick(p.ips));
      let t = start + g.rng.int(1, 4) * MINUTE;
      if (g.rng.chance(0.07)) {
        g.signin(t, p, w, { code: 50126 });
        t += g.rng.int(20, 60) * 1000;
      }
      const device = { deviceId: userOid(p).replace(/^../, 'dd'), trustType: 'Azure AD joined' };
      g.signin(t, p, w, { mfa: 'Mobile app notification', ...device });
      for (let i = g.rng.int(2, 5); i > 0; i--) {
        t += g.rng.int(40, 110) * MINUTE;
        if (t > end - MINUTE) break;
        g.signin(t, p, w, { interactive: false, ...device });
      }
      if (p.admin && g.rng.chance(0.4) && t + HOUR < end) {
        const member = g.rng.pick(PEOPLE);
        g.audit(t + 20 * MINUTE, 'Add member to group', 'GroupManagement', p, w.ip, [
          userTarget(member),
          { id: g.rng.uuid(), displayName: 'Engineering-All', type: 'Group', modifiedProperties: [] },
        ]);
      }
      if (g.rng.chance(0.05) && t + 30 * MINUTE < end) {
        g.audit(
          t + 30 * MINUTE,
          'Change password (self-service)',
          'UserManagement',
          p,
          w.ip,
          [userTarget(p)],
          'Self-service Password Management',
        );
      }
    }
  }
}

function takeover(g: EntraGen, end: number): void {
  const maria = PEOPLE[0] as Person;
  const t0 = end - 7 * HOUR;
  g.signin(t0, maria, home(maria, maria.ips[0] as string), {
    mfa: 'Mobile app notification',
    deviceId: 'dd0c1a2b-3c4d-4e5f-8a9b-mariagarciaa',
    trustType: 'Azure AD joined',
  });
  const moscow = { ...MOSCOW, ua: ATTACKER.userAgent, os: 'Windows 10', browser: 'Chrome 128.0.0' };
  const risky = { level: 'high', state: 'atRisk', events: ['unlikelyTravel', 'anonymizedIPAddress'] };
  g.signin(t0 + 36 * MINUTE, maria, moscow, { code: 500121, mfa: 'Mobile app notification', risk: risky });
  // Legacy authentication carries no MFA: the password alone gets in.
  const legacy = g.signin(t0 + 40 * MINUTE, maria, MOSCOW, {
    clientApp: 'Exchange ActiveSync',
    requirement: 'singleFactorAuthentication',
    risk: risky,
  });
  const ip = MOSCOW.ip;
  const t = Date.parse(String(legacy.time)) + 12 * MINUTE;
  const svc = { first: 'svc', last: 'backup', email: `svc-backup@${DOMAIN}` };
  g.audit(t, 'Add user', 'UserManagement', maria, ip, [userTarget(svc)]);
  g.audit(t + 3 * MINUTE, 'Add member to role', 'RoleManagement', maria, ip, [
    {
      id: '62e90394-69f5-4237-9190-012177145e10',
      displayName: 'Global Administrator',
      type: 'Role',
      modifiedProperties: [],
    },
    userTarget(svc, [
      { displayName: 'Role.ObjectID', oldValue: null, newValue: '"62e90394-69f5-4237-9190-012177145e10"' },
      { displayName: 'Role.DisplayName', oldValue: null, newValue: '"Global Administrator"' },
      { displayName: 'Role.TemplateId', oldValue: null, newValue: '"62e90394-69f5-4237-9190-012177145e10"' },
    ]),
  ]);
}

export function generateEntraRecords(opts: SampleOptions): { signins: Json[]; audits: Json[] } {
  const end = opts.end.getTime();
  const g = new EntraGen(new Rng(streamSeed(opts.seed, 'entra_id')));
  benign(g, end, opts.days);
  takeover(g, end);
  const byTime = (field: string) => (a: Json, b: Json) => String(a[field]).localeCompare(String(b[field]));
  return { signins: g.signins.sort(byTime('time')), audits: g.audits.sort(byTime('activityDateTime')) };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k) ?? [];
    out.set(k, list);
    list.push(item);
  }
  return out;
}

export function entraSampleFiles(opts: SampleOptions): SampleFile[] {
  const { signins, audits } = generateEntraRecords(opts);
  const files: SampleFile[] = [];
  for (const [hour, records] of groupBy(signins, (r) => String(r.time).slice(0, 13))) {
    const [y, m, d, h] = [hour.slice(0, 4), hour.slice(5, 7), hour.slice(8, 10), hour.slice(11, 13)];
    files.push({
      path: `insights-logs-signinlogs/resourceId=/tenants/${TENANT_ID}/providers/Microsoft.aadiam/y=${y}/m=${m}/d=${d}/h=${h}/m=00/PT1H.json`,
      body: ndjson(records),
    });
  }
  for (const [day, records] of groupBy(audits, (r) => String(r.activityDateTime).slice(0, 10))) {
    files.push({
      path: `entra_id/graph/directoryAudits/${day}.json`,
      body: jsonBytes({
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits',
        value: records,
      }),
    });
  }
  return files;
}

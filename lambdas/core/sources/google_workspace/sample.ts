/**
 * Google Workspace sample, as the Reports API's activities.list returns it: one page
 * (`{"kind": "admin#reports#activities", "items": [...]}`) per application and day. Benign: daily
 * sign-ins (with a 2-Step Verification challenge now and then), Drive work, OAuth grants to known
 * apps. Attacks: Google flags a sign-in to Tom Becker's account from Moscow as suspicious and it
 * succeeds; then Daniel Kim's account (used through Tor in the Okta sample) grants Tom super admin.
 */
import {
  ATTACKER,
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

type Json = Record<string, unknown>;
type Param = { name: string; value?: string; boolValue?: boolean; multiValue?: string[]; intValue?: string };

const CUSTOMER = 'C03nw1nd7';
const DOCS = ['Board update', 'Hiring plan', 'Quarterly OKRs', 'Customer list', 'Pricing 2027'];
const OAUTH_APPS = [
  { name: 'Slack', client: '12345678901-slack.apps.googleusercontent.com' },
  { name: 'Zoom', client: '23456789012-zoom.apps.googleusercontent.com' },
];

const profileId = (p: Person) =>
  `1${String(p.email.length).padStart(2, '0')}${(p.first.charCodeAt(0) * 7919 + p.last.charCodeAt(0) * 104729).toString().padStart(18, '4')}`;

class GwsGen {
  readonly activities: Json[] = [];
  constructor(readonly rng: Rng) {}

  activity(
    t: number,
    application: string,
    p: Person,
    ip: string,
    events: { type: string; name: string; parameters: Param[] }[],
  ): void {
    this.activities.push({
      kind: 'admin#reports#activity',
      id: {
        time: iso(t),
        uniqueQualifier: `-${this.rng.int(1, 9)}${Array.from({ length: 18 }, () => this.rng.int(0, 9)).join('')}`,
        applicationName: application,
        customerId: CUSTOMER,
      },
      etag: `"${this.rng.alnum(27)}/${this.rng.alnum(27)}"`,
      actor: { callerType: 'USER', email: p.email, profileId: profileId(p) },
      ipAddress: ip,
      events,
    });
  }

  login(t: number, p: Person, ip: string, challenge: boolean): void {
    if (challenge) {
      this.activity(t - 20_000, 'login', p, ip, [
        {
          type: 'login',
          name: 'login_challenge',
          parameters: [
            { name: 'login_challenge_method', multiValue: ['idv_preregistered_phone'] },
            { name: 'login_challenge_status', value: 'Challenge Passed' },
          ],
        },
      ]);
    }
    this.activity(t, 'login', p, ip, [
      {
        type: 'login',
        name: 'login_success',
        parameters: [
          { name: 'login_type', value: 'google_password' },
          {
            name: 'login_challenge_method',
            multiValue: challenge ? ['idv_preregistered_phone'] : ['password'],
          },
          { name: 'is_suspicious', boolValue: false },
        ],
      },
    ]);
  }
}

function benign(g: GwsGen, end: number, days: number): void {
  for (const p of PEOPLE) {
    for (const start of workdayStarts(g.rng, p, end, days)) {
      const ip = g.rng.chance(0.8) ? (p.ips[0] as string) : g.rng.pick(p.ips);
      let t = start + g.rng.int(2, 6) * MINUTE;
      g.login(t, p, ip, g.rng.chance(0.2));
      for (let i = g.rng.int(1, 4); i > 0; i--) {
        t += g.rng.int(10, 80) * MINUTE;
        if (t > end - MINUTE) break;
        const doc = g.rng.pick(DOCS);
        const name = g.rng.pick(['view', 'view', 'edit']);
        g.activity(t, 'drive', p, ip, [
          {
            type: 'access',
            name,
            parameters: [
              { name: 'primary_event', boolValue: true },
              { name: 'doc_id', value: g.rng.alnum(44) },
              { name: 'doc_type', value: 'document' },
              { name: 'doc_title', value: doc },
              { name: 'visibility', value: 'shared_internally' },
              { name: 'owner', value: p.email },
            ],
          },
        ]);
      }
      if (g.rng.chance(0.15) && t + 10 * MINUTE < end) {
        const app = g.rng.pick(OAUTH_APPS);
        g.activity(t + 10 * MINUTE, 'token', p, ip, [
          {
            type: 'auth',
            name: 'authorize',
            parameters: [
              { name: 'client_id', value: app.client },
              { name: 'app_name', value: app.name },
              { name: 'client_type', value: 'WEB' },
              { name: 'scope', multiValue: ['openid', 'https://www.googleapis.com/auth/userinfo.email'] },
            ],
          },
        ]);
      }
    }
  }
}

function suspiciousThenAdmin(g: GwsGen, end: number): void {
  const tom = PEOPLE[3] as Person;
  const daniel = PEOPLE[7] as Person;
  const t = end - 90 * MINUTE;
  // Google records the flagged sign-in as one activity with the success and the suspicious flag.
  g.activity(t, 'login', tom, ATTACKER.proxyIp, [
    {
      type: 'login',
      name: 'login_success',
      parameters: [
        { name: 'login_type', value: 'google_password' },
        { name: 'login_challenge_method', multiValue: ['password'] },
        { name: 'is_suspicious', boolValue: true },
      ],
    },
    {
      type: 'login',
      name: 'suspicious_login',
      parameters: [{ name: 'login_type', value: 'google_password' }],
    },
  ]);
  g.activity(t + 25 * MINUTE, 'admin', daniel, ATTACKER.proxyIp, [
    {
      type: 'USER_SETTINGS',
      name: 'GRANT_ADMIN_PRIVILEGE',
      parameters: [{ name: 'USER_EMAIL', value: tom.email.toLowerCase() }],
    },
  ]);
  g.activity(t + 26 * MINUTE, 'admin', daniel, ATTACKER.proxyIp, [
    {
      type: 'DELEGATED_ADMIN_SETTINGS',
      name: 'ASSIGN_ROLE',
      parameters: [
        { name: 'ROLE_ID', value: '03hv69ve4bjwe54' },
        { name: 'ROLE_NAME', value: '_SEED_ADMIN_ROLE' },
        { name: 'USER_EMAIL', value: tom.email.toLowerCase() },
      ],
    },
  ]);
}

export function generateGoogleWorkspaceActivities(opts: SampleOptions): Json[] {
  const end = opts.end.getTime();
  const g = new GwsGen(new Rng(streamSeed(opts.seed, 'google_workspace')));
  benign(g, end, opts.days);
  suspiciousThenAdmin(g, end);
  const time = (a: Json) => String((a.id as Json).time);
  return g.activities
    .filter((a) => Date.parse(time(a)) > end - opts.days * 24 * HOUR)
    .sort((a, b) => time(b).localeCompare(time(a)));
}

export function googleWorkspaceSampleFiles(opts: SampleOptions): SampleFile[] {
  const pages = new Map<string, Json[]>();
  for (const a of generateGoogleWorkspaceActivities(opts)) {
    const id = a.id as Json;
    const key = `${id.applicationName}/${String(id.time).slice(0, 10)}`;
    const list = pages.get(key) ?? [];
    pages.set(key, list);
    list.push(a);
  }
  // The API lists newest first, as here.
  return [...pages].map(([key, items]) => ({
    path: `google_workspace/reports/${key}.json`,
    body: jsonBytes({ kind: 'admin#reports#activities', etag: `"${key}"`, items }),
  }));
}

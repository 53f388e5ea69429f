/**
 * Slack audit sample for an Enterprise Grid org: people signing in and out, joining channels,
 * uploading and downloading the odd file, an approved app installed now and then; and an attack: a
 * contractor's session from a new address installs an unapproved app with broad read scopes and
 * downloads dozens of files in minutes. Written as the Audit Logs API returns pages, one per hour.
 */
import { HOUR_MS, hours, Rng, sampleRange, workload } from '../custom/sample-kit.js';
import type { SampleFile, SampleOptions } from '../types.js';

type Entry = Record<string, unknown> & { date_create: number };

const TEAM = 'T04ACMEHQ1';
const LOCATION = { type: 'workspace', id: TEAM, name: 'Acme HQ', domain: 'acme-hq' };
const PEOPLE = [
  { id: 'U04JMORGAN', name: 'jmorgan', email: 'j.morgan@acme.io', ip: '73.158.22.9' },
  { id: 'U04AKOWALS', name: 'akowalski', email: 'a.kowalski@acme.io', ip: '98.42.117.5' },
  { id: 'U04ROSEI01', name: 'rosei', email: 'r.osei@acme.io', ip: '24.6.141.88' },
  { id: 'U04MCHEN01', name: 'mchen', email: 'm.chen@acme.io', ip: '67.180.3.201' },
];
type Person = (typeof PEOPLE)[number];
const CHANNELS = ['C04GENERAL', 'C04ENGINEER', 'C04INCIDENT', 'C04SALESOPS'];
const DESKTOP =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Slack/4.41.97 Chrome/130.0.6723.59 Electron/33.0.1 Safari/537.36 Sonic';

function entry(
  rng: Rng,
  t: number,
  action: string,
  who: Person,
  entity: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Entry {
  return {
    id: rng.uuid(),
    date_create: Math.floor(t / 1000),
    action,
    actor: { type: 'user', user: { id: who.id, name: who.name, email: who.email, team: TEAM } },
    entity,
    context: {
      location: LOCATION,
      ua: DESKTOP,
      ip_address: who.ip,
      session_id: String(rng.int(2_000_000_000, 9_999_999_999)),
    },
    ...extra,
  };
}

const userEntity = (p: Person) => ({
  type: 'user',
  user: { id: p.id, name: p.name, email: p.email, team: TEAM },
});
const fileEntity = (rng: Rng) => ({
  type: 'file',
  file: {
    id: `F0${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 9)}`,
    name: `${rng.pick(['q3-forecast', 'roadmap', 'incident-notes', 'design-spec', 'customer-list'])}-${rng.int(1, 40)}.${rng.pick(['pdf', 'xlsx', 'docx', 'png'])}`,
    filetype: 'pdf',
    title: 'shared file',
  },
});

function benignHour(rng: Rng, h: number, out: Entry[]) {
  const at = () => h + rng.int(0, HOUR_MS - 1);
  for (const p of PEOPLE) {
    if (rng.next() < 0.25 * workload(h)) out.push(entry(rng, at(), 'user_login', p, userEntity(p)));
    if (rng.next() < 0.05 * workload(h)) out.push(entry(rng, at(), 'user_logout', p, userEntity(p)));
    for (let i = rng.poisson(0.8 * workload(h)); i > 0; i--) {
      out.push(
        entry(
          rng,
          at(),
          rng.pick(['file_downloaded', 'file_uploaded', 'file_downloaded'] as const),
          p,
          fileEntity(rng),
        ),
      );
    }
    if (rng.next() < 0.08 * workload(h)) {
      out.push(
        entry(rng, at(), 'user_channel_join', p, {
          type: 'channel',
          channel: {
            id: rng.pick(CHANNELS),
            name: 'engineering',
            privacy: 'public',
            is_shared: false,
            is_org_shared: false,
          },
        }),
      );
    }
  }
  if (rng.next() < 0.01) {
    const admin = PEOPLE[1] as Person;
    out.push(
      entry(
        rng,
        at(),
        'app_installed',
        admin,
        {
          type: 'app',
          app: {
            id: 'A04PAGERDTY',
            name: 'PagerDuty',
            is_distributed: true,
            is_directory_approved: true,
            is_workflow_app: false,
            scopes: ['chat:write', 'commands', 'channels:read'],
          },
        },
        { details: { is_internal_integration: false, is_token_rotation_enabled_app: false } },
      ),
    );
  }
}

/** 1 sign-in, 1 unapproved app with broad scopes, 45 downloads in about 15 minutes. */
function exfiltration(rng: Rng, end: number): Entry[] {
  const who: Person = {
    id: 'U05CKIM001',
    name: 'contractor.kim',
    email: 'contractor.kim@acme.io',
    ip: `196.196.53.${rng.int(10, 99)}`,
  };
  let t = end - rng.int(45, 60) * 60_000;
  const out = [entry(rng, t, 'user_login', who, userEntity(who))];
  t += rng.int(60, 180) * 1000;
  const scopes = [
    'channels:history',
    'groups:history',
    'im:history',
    'mpim:history',
    'files:read',
    'users:read.email',
    'admin',
  ];
  out.push(
    entry(
      rng,
      t,
      'app_installed',
      who,
      {
        type: 'app',
        app: {
          id: 'A05QEXPORT1',
          name: 'QuickExport',
          is_distributed: false,
          is_directory_approved: false,
          is_workflow_app: false,
          scopes,
        },
      },
      { details: { is_internal_integration: false, is_token_rotation_enabled_app: false } },
    ),
  );
  for (let i = 0; i < 45; i++) {
    t += rng.int(8, 25) * 1000;
    out.push(entry(rng, t, 'file_downloaded', who, fileEntity(rng)));
  }
  return out;
}

export function generateSlackAuditEntries(opts: SampleOptions): Entry[] {
  const { first, last, end } = sampleRange(opts);
  const rng = new Rng(opts.seed, 'slack');
  const out: Entry[] = [];
  for (const h of hours(first, last)) benignHour(rng, h, out);
  out.push(...exfiltration(new Rng(opts.seed, 'slack/attack'), end));
  return out
    .filter((e) => e.date_create * 1000 >= first && e.date_create * 1000 <= last)
    .sort((a, b) => a.date_create - b.date_create);
}

/** Audit Logs API pages as a collector saves them: `slack-audit/<hour>.json`, newest entry first. */
export function slackAuditSampleFiles(opts: SampleOptions): SampleFile[] {
  const pages = new Map<string, Entry[]>();
  for (const e of generateSlackAuditEntries(opts)) {
    const path = `slack-audit/${new Date(e.date_create * 1000).toISOString().slice(0, 13)}.json`;
    pages.set(path, [...(pages.get(path) ?? []), e]);
  }
  return [...pages].map(([path, entries]) => ({
    path,
    body: Buffer.from(JSON.stringify({ entries: entries.reverse(), response_metadata: { next_cursor: '' } })),
  }));
}

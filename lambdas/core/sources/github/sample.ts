/**
 * GitHub audit log sample for the organization acme-corp: engineers cloning, pushing and merging,
 * CI workflows, the occasional new repository and team change; and an attack in which a stale
 * maintainer account, from a new address, gets a token, makes a private repository public, removes
 * main's branch protection, clones several repositories and promotes an outside account to owner.
 * Written as audit log streaming writes to S3: gzip NDJSON objects every few minutes.
 */
import { gzipSync } from 'node:zlib';
import { HEX, HOUR_MS, hours, Rng, sampleRange, workload } from '../custom/sample-kit.js';
import type { SampleFile, SampleOptions } from '../types.js';

type Event = Record<string, unknown> & { '@timestamp': number };

const ORG = 'acme-corp';
const ORG_ID = 48213377;
const PEOPLE = [
  { login: 'priya-r', id: 10452210, ip: '34.82.17.40', country: 'US' },
  { login: 'tbecker', id: 20566321, ip: '35.199.8.77', country: 'DE' },
  { login: 'liwei-dev', id: 30781544, ip: '34.82.17.41', country: 'US' },
  { login: 'sam-ortiz', id: 40912876, ip: '73.158.22.9', country: 'US' },
];
const REPOS = ['api-gateway', 'payments-service', 'web-console', 'infra-terraform', 'data-pipeline'];
const REPO_IDS: Record<string, number> = Object.fromEntries(REPOS.map((r, i) => [r, 712_300_100 + i * 7919]));
const GIT_AGENT = 'git/2.46.0';

function base(
  rng: Rng,
  t: number,
  action: string,
  actor: (typeof PEOPLE)[number],
  extra: Record<string, unknown>,
): Event {
  return {
    '@timestamp': t,
    _document_id: rng.chars(`${HEX}ABCDEFGHIJKLMNOPQRSTUVWXYZ-_`, 22),
    action,
    actor: actor.login,
    actor_id: actor.id,
    actor_ip: actor.ip,
    actor_location: { country_code: actor.country },
    created_at: t,
    business: 'acme',
    business_id: 9021,
    org: ORG,
    org_id: ORG_ID,
    operation_type: action.startsWith('git.') ? 'access' : action.endsWith('.create') ? 'create' : 'modify',
    ...extra,
  };
}

function git(rng: Rng, t: number, actor: (typeof PEOPLE)[number], action: string, repo: string): Event {
  return base(rng, t, action, actor, {
    repo: `${ORG}/${repo}`,
    repo_id: REPO_IDS[repo],
    repository: `${ORG}/${repo}`,
    repository_public: false,
    transport_protocol_name: rng.next() < 0.7 ? 'ssh' : 'http',
    user_agent: GIT_AGENT,
  });
}

function benignHour(rng: Rng, h: number, out: Event[]) {
  for (const p of PEOPLE) {
    for (let i = rng.poisson(4 * workload(h)); i > 0; i--) {
      const repo = rng.pick(REPOS);
      const action = rng.pick(['git.fetch', 'git.fetch', 'git.push', 'git.clone'] as const);
      out.push(git(rng, h + rng.int(0, HOUR_MS - 1), p, action, repo));
    }
    if (rng.next() < 0.5 * workload(h)) {
      const repo = rng.pick(REPOS);
      const t = h + rng.int(0, HOUR_MS - 1);
      out.push(
        base(rng, t, 'pull_request.merged', p, {
          repo: `${ORG}/${repo}`,
          repo_id: REPO_IDS[repo],
          user_agent: 'Mozilla/5.0',
        }),
      );
      out.push({
        ...base(
          rng,
          t + 20_000,
          'workflows.completed_workflow_run',
          { login: 'github-actions[bot]', id: 41898282, ip: '', country: 'US' },
          { repo: `${ORG}/${repo}`, name: 'ci', conclusion: 'success', actor_is_bot: true },
        ),
        actor_ip: undefined,
        actor_location: undefined,
      });
    }
  }
  if (rng.next() < 0.03) {
    // A team change, or now and then a new hire joining the organization.
    const admin = PEOPLE[0] ?? { login: 'admin', id: 1, ip: '', country: 'US' };
    const t = h + rng.int(0, HOUR_MS - 1);
    if (rng.next() < 0.3) {
      const login = `${rng.pick(['jkim', 'apatel', 'mrossi', 'nlopez'])}-acme`;
      out.push(
        base(rng, t, 'org.add_member', admin, {
          user: login,
          user_id: rng.int(1e7, 9e7),
          permission: 'read',
        }),
      );
    } else {
      out.push(
        base(rng, t, 'team.add_member', admin, { team: `${ORG}/platform`, user: rng.pick(PEOPLE).login }),
      );
    }
  }
}

/** The stale maintainer's takeover: token, visibility change, protection removal, clones, admin grant. */
function takeover(rng: Rng, end: number): Event[] {
  const actor = { login: 'old-maintainer', id: 5120034, ip: `45.95.147.${rng.int(10, 99)}`, country: 'NL' };
  let t = end - rng.int(40, 55) * 60_000;
  const token = {
    programmatic_access_type: 'Fine-grained personal access token',
    token_id: 88134,
    hashed_token: 'Zm9ydHVuZS1jb29raWUtaGFzaA==',
    user_agent: 'curl/8.7.1',
  };
  const step = (min: number, max: number) => {
    t += rng.int(min, max) * 1000;
    return t;
  };
  const out: Event[] = [
    base(rng, t, 'personal_access_token.access_granted', actor, {
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0',
      token_scopes: 'repo,admin:org',
    }),
    base(rng, step(60, 180), 'repo.access', actor, {
      ...token,
      repo: `${ORG}/payments-service`,
      repo_id: REPO_IDS['payments-service'],
      visibility: 'public',
      previous_visibility: 'private',
      public_repo: true,
    }),
    base(rng, step(30, 90), 'protected_branch.destroy', actor, {
      ...token,
      repo: `${ORG}/payments-service`,
      repo_id: REPO_IDS['payments-service'],
      name: 'main',
      branch: 'main',
    }),
  ];
  for (const repo of REPOS)
    out.push({
      ...git(rng, step(5, 20), actor, 'git.clone', repo),
      ...token,
      transport_protocol_name: 'http',
    });
  out.push(
    base(rng, step(60, 120), 'org.update_member', actor, {
      ...token,
      user: 'acme-ops-helper',
      user_id: 99120455,
      permission: 'admin',
      old_permission: 'read',
    }),
  );
  return out;
}

export function generateGithubAuditEvents(opts: SampleOptions): Event[] {
  const { first, last, end } = sampleRange(opts);
  const rng = new Rng(opts.seed, 'github');
  const out: Event[] = [];
  for (const h of hours(first, last)) benignHour(rng, h, out);
  out.push(...takeover(new Rng(opts.seed, 'github/attack'), end));
  return out
    .filter((e) => e['@timestamp'] >= first && e['@timestamp'] <= last)
    .sort((a, b) => a['@timestamp'] - b['@timestamp']);
}

/**
 * Streaming objects, `github-audit/YYYY/MM/DD/HH/<uuid>.json.gz`, gzip NDJSON: one per hour of events
 * (the stream flushes in batches; hourly keeps the sample's object count small).
 */
export function githubAuditSampleFiles(opts: SampleOptions): SampleFile[] {
  const rng = new Rng(opts.seed, 'github/files');
  const chunks = new Map<number, Event[]>();
  for (const e of generateGithubAuditEvents(opts)) {
    const slot = Math.floor(e['@timestamp'] / HOUR_MS);
    chunks.set(slot, [...(chunks.get(slot) ?? []), e]);
  }
  return [...chunks].map(([slot, events]) => {
    const at = new Date(slot * HOUR_MS).toISOString();
    const day = at.slice(0, 10).replaceAll('-', '/');
    const path = `github-audit/${day}/${at.slice(11, 13)}/${rng.uuid()}.json.gz`;
    return { path, body: gzipSync(events.map((e) => JSON.stringify(e)).join('\n')) };
  });
}

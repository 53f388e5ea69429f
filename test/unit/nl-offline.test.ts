import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../lambdas/core/query/catalog.js';
import { draftRuleOffline } from '../../lambdas/core/query/nl-rule.js';
import { OfflineTranslator } from '../../lambdas/core/query/offline/index.js';
import {
  BeyondTranslatorError,
  type SessionTurn,
  type TranslateInput,
} from '../../lambdas/core/query/translator.js';
import { convertRule } from '../../lambdas/core/sigma/index.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const values = (...vs: string[]) => vs.map((value, i) => ({ value, count: 100 - i }));
const CATALOG: Catalog = {
  dialect: 'duckdb',
  version: 'test',
  tables: [
    {
      name: 'cloudtrail',
      description: '',
      columns: [],
      partitionColumns: ['dt', 'hour'],
      timeColumn: 'ts',
      frequentValues: {
        eventname: values(
          'GetObject',
          'ConsoleLogin',
          'CreateAccessKey',
          'CreateUser',
          'ListUsers',
          'StopLogging',
        ),
        errorcode: values('AccessDenied', 'NoSuchKey'),
        'useridentity.username': values('alice.nguyen', 'dev-jsmith'),
      },
    },
  ],
};

const GEO = {
  source: 'a test table',
  db: {
    lookup: (ip: string) =>
      ip.startsWith('81.') ? { country: 'GB' } : ip.startsWith('68.') ? { country: 'US' } : undefined,
  },
};

function input(question: string, history: SessionTurn[] = [], lookup: string[] = []): TranslateInput {
  return {
    question,
    catalog: CATALOG,
    now: NOW,
    history,
    lookup: async () => lookup.map((ip) => ({ source_ip: ip })),
  };
}

const offline = new OfflineTranslator(GEO);

describe('the offline translator', () => {
  it('answers "When was the last time root was used?" over 90 days, and says so', async () => {
    const t = await offline.translate(input('When was the last time root was used?'));
    expect(t.sql).toBe(
      "SELECT max(ts) AS last_seen\nFROM cloudtrail\nWHERE ts >= TIMESTAMP '2026-08-22 12:00:00'\n  AND dt >= '2026-08-22'\n  AND useridentity.type = 'Root'",
    );
    expect(t.assumptions).toContain(
      'Time range: all data of the last 90 days (from 2026-08-22T12:00:00.000Z).',
    );
  });

  it('answers failed logins from outside the US by looking addresses up, and names the unplaceable ones', async () => {
    const t = await offline.translate(
      input(
        'Show me failed logins from outside the US this week',
        [],
        ['68.160.212.40', '81.134.201.17', '203.0.113.51'],
      ),
    );
    expect(t.sql).toContain(
      "AND errormessage = 'Failed authentication'\n  AND sourceipaddress IN ('81.134.201.17', '203.0.113.51')",
    );
    expect(t.sql).toContain("WHERE ts >= TIMESTAMP '2026-11-16 00:00:00'");
    expect(t.assumptions).toContain(
      '203.0.113.51 cannot be placed in any country (private, reserved or documentation ranges); they are counted as outside, since they cannot be shown to be inside.',
    );
  });

  it('answers "Which IAM users created new access keys recently?" without mistaking CreateUser', async () => {
    const t = await offline.translate(input('Which IAM users created new access keys recently?'));
    expect(t.sql).toBe(
      [
        'SELECT coalesce(useridentity.username, useridentity.arn) AS user_name, count(*) AS events',
        'FROM cloudtrail',
        "WHERE ts >= TIMESTAMP '2026-11-13 12:00:00'",
        "  AND dt >= '2026-11-13'",
        "  AND useridentity.type = 'IAMUser'",
        "  AND eventname = 'CreateAccessKey'",
        'GROUP BY 1',
        'ORDER BY events DESC, 1',
      ].join('\n'),
    );
  });

  it('refines the previous question in a follow-up: filter, group, only failures', async () => {
    const first = await offline.translate(input('events in the last 24 hours'));
    const turn = (q: string, t: typeof first): SessionTurn => ({
      question: q,
      sql: t.sql,
      translator: 'offline',
      state: t.state,
    });
    const s3 = await offline.translate(
      input('filter to S3 events', [turn('events in the last 24 hours', first)]),
    );
    expect(s3.sql).toContain("AND eventsource = 's3.amazonaws.com'");
    expect(s3.sql).toContain("WHERE ts >= TIMESTAMP '2026-11-19 12:00:00'");
    const grouped = await offline.translate(
      input('group by user', [turn('x', first), turn('filter to S3 events', s3)]),
    );
    expect(grouped.sql).toContain(
      'SELECT coalesce(useridentity.username, useridentity.arn) AS user_name, count(*) AS events',
    );
    expect(grouped.sql).toContain("eventsource = 's3.amazonaws.com'");
    const failures = await offline.translate(input('only failures', [turn('group by user', grouped)]));
    expect(failures.sql).toContain('AND (errorcode IS NOT NULL OR errormessage IS NOT NULL)');
    expect(failures.sql).toContain('GROUP BY 1');
  });

  it('says plainly what it cannot do', async () => {
    await expect(
      offline.translate(input('What is the average number of API calls per user?')),
    ).rejects.toThrow(
      /^This question is beyond the offline translator: it does not do averages and other statistics\. The offline translator understands/,
    );
    await expect(offline.translate(input('tell me a story'))).rejects.toBeInstanceOf(BeyondTranslatorError);
  });

  it('keeps words from the question inside quoted literals', async () => {
    const t = await offline.translate(input("how many events from user o'brien-x1 today"));
    expect(t.sql).toContain("useridentity.username = 'o''brien-x1'");
  });

  it('writes Athena JSON functions for the Athena dialect', async () => {
    const t = await offline.translate({
      ...input('PutObject calls per bucket today'),
      catalog: { ...CATALOG, dialect: 'athena' },
    });
    expect(t.sql).toContain("json_extract_scalar(requestparameters, '$.bucketName') AS bucket");
  });
});

describe('natural language to rule', () => {
  it('drafts an event_count correlation that convertRule accepts, not enabled', () => {
    const draft = draftRuleOffline('alert when a user fails login 5 times in 10 minutes', CATALOG);
    expect(draft.enabled).toBe(false);
    expect(draft.yaml).toContain(
      'correlation:\n  type: event_count\n  rules: [draft_eventname_outcome]\n  group-by: [userIdentity.userName]\n  timespan: 10m\n  condition: {gte: 5}',
    );
    expect(draft.yaml).toContain(
      '  sel_eventname_0:\n    eventName: "ConsoleLogin"\n  sel_outcome_1:\n    errorMessage: "Failed authentication"',
    );
    const converted = convertRule(draft.yaml, { dialect: 'duckdb' });
    expect('sql' in converted && converted.sql).toBe(draft.sql);
    expect(draft.sql).toContain('HAVING COUNT(*) >= 5');
    expect(draft.explanation).toBe(
      'Alerts when one user has 5 or more events with console sign-ins, failed sign-ins within 10m.',
    );
  });

  it('drafts a single-event rule when no count is asked for', () => {
    const draft = draftRuleOffline('alert when root signs in', CATALOG);
    expect(draft.yaml).not.toContain('correlation:');
    expect(draft.sql).toContain('lower("useridentity"."type") = \'root\'');
  });
});

/**
 * Custom JSON sources end to end on the local runtime: `$MANTISSA_HOME/sources.yaml` read by the
 * adapter, files ingested through the real ingest into Parquet, and the custom tables queried
 * through DuckDB views next to the built-in ones.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localNaturalLanguage } from '../../lambdas/adapters/llm/local.js';
import { loadCustomSources } from '../../lambdas/adapters/local/custom-sources.js';
import { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { LlmError, type LlmRequest } from '../../lambdas/core/llm/types.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import { CustomSourceError } from '../../lambdas/core/sources/custom/index.js';

const SOURCES_YAML = `# Two application logs, declared without code.
sources:
  - name: checkout_api
    description: Checkout service request log
    key_patterns: ['(^|/)checkout/']
    timestamp: { field: meta.time, format: '%d/%b/%Y:%H:%M:%S %z' }
    id_field: request_id
    columns:
      - { name: request_id, type: string }
      - { name: status, type: bigint, path: http.status }
      - { name: client, type: { struct: { ip: string, user: string } } }
      - { name: tags, type: { list: string } }
  - name: batch_jobs
    key_patterns: ['(^|/)jobs/']
    timestamp: { field: finished, format: epoch_ms }
    infer: true
    sample: samples/jobs.ndjson
`;

const JOBS_SAMPLE = [
  { job: 'nightly-etl', finished: 1763600000000, ok: true, rows: 1200, host: { name: 'etl-1' } },
  { job: 'report', finished: 1763600500000, ok: false, rows: 0, error: 'timeout' },
];

describe('custom sources on the local runtime', () => {
  let home: string;
  let runtime: LocalRuntime | undefined;

  function makeHome(yaml: string): string {
    home = mkdtempSync(join(tmpdir(), 'mantissa-custom-'));
    writeFileSync(join(home, 'sources.yaml'), yaml);
    mkdirSync(join(home, 'samples'));
    writeFileSync(join(home, 'samples', 'jobs.ndjson'), JOBS_SAMPLE.map((r) => JSON.stringify(r)).join('\n'));
    mkdirSync(join(home, 'in', 'checkout'), { recursive: true });
    mkdirSync(join(home, 'in', 'jobs'), { recursive: true });
    return home;
  }

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    rmSync(home, { recursive: true, force: true });
  });

  it('tells the question translator about the custom tables and their columns', async () => {
    makeHome(SOURCES_YAML);
    runtime = new LocalRuntime(home, fixedClock(new Date('2026-11-21T08:00:00Z')));
    const prompts: string[] = [];
    const nl = await localNaturalLanguage(runtime, {
      estimate: false,
      llm: {
        provider: 'openai',
        model: 'test',
        complete: async (req: LlmRequest) => {
          prompts.push(req.system);
          throw new LlmError('no answer from this test model', 503);
        },
      },
    });
    try {
      await nl.ask
        .ask({ question: 'which checkout requests failed?', principal: 'test', execute: false })
        .catch(() => {});
    } finally {
      await nl.close();
    }
    expect(prompts.length).toBeGreaterThan(0);
    expect(prompts[0]).toContain('checkout_api');
    expect(prompts[0]).toContain('batch_jobs');
  });

  it('ingests declared and inferred sources into their own tables, queryable with SQL', async () => {
    makeHome(SOURCES_YAML);
    runtime = new LocalRuntime(home, fixedClock(new Date('2026-11-21T08:00:00Z')));
    expect(runtime.tables).toEqual(
      expect.arrayContaining(['cloudtrail', 'identity_events', 'checkout_api', 'batch_jobs']),
    );

    const requests = [
      {
        request_id: 'r-1',
        meta: { time: '20/Nov/2026:10:15:00 +0000' },
        http: { status: 200, method: 'GET' },
        client: { ip: '198.51.100.7', user: 'ana' },
        tags: ['web'],
      },
      {
        request_id: 'r-2',
        meta: { time: '20/Nov/2026:11:20:30 +0100' },
        http: { status: 502 },
        client: { ip: '198.51.100.8' },
        tags: [],
        retry: 2,
      },
      { request_id: 'r-3', meta: { time: 'yesterday' }, http: { status: 200 } },
      { request_id: 'r-4', meta: { time: '20/Nov/2026:12:00:00 +0000' }, http: { status: 'oops' } },
    ];
    const checkoutFile = join(home, 'in', 'checkout', 'requests.ndjson');
    writeFileSync(checkoutFile, requests.map((r) => JSON.stringify(r)).join('\n'));
    const report = await runtime.ingestFile(checkoutFile);
    expect(report).toMatchObject({
      source: 'checkout_api',
      detectedBy: 'key',
      records: 4,
      written: 2,
      quarantined: 2,
    });
    expect(report.reasons).toEqual([
      {
        position: 'line 3',
        reason: 'meta.time: "yesterday" does not match the pattern "%d/%b/%Y:%H:%M:%S %z"',
      },
      { position: 'line 4', reason: 'http.status: expected an integer, got "oops"' },
    ]);

    const jobsFile = join(home, 'in', 'jobs', 'run-1.json');
    const jobs = [
      ...JOBS_SAMPLE,
      { job: 'backfill', finished: 1763601000000, ok: true, rows: 5, queue: 'slow' },
    ];
    writeFileSync(jobsFile, JSON.stringify(jobs));
    expect(await runtime.ingestFile(jobsFile)).toMatchObject({
      source: 'batch_jobs',
      records: 3,
      written: 3,
      quarantined: 0,
    });

    const engine = await runtime.query();
    expect(
      (
        await engine.query(
          `SELECT event_id, ts, status, client.ip AS ip, client."user" AS who, len(tags) AS tags, extra FROM checkout_api ORDER BY ts`,
        )
      ).rows,
    ).toEqual([
      {
        event_id: 'r-1',
        ts: '2026-11-20T10:15:00Z',
        status: 200,
        ip: '198.51.100.7',
        who: 'ana',
        tags: 1,
        extra: '{"meta":{"time":"20/Nov/2026:10:15:00 +0000"},"http":{"method":"GET"}}',
      },
      {
        event_id: 'r-2',
        ts: '2026-11-20T10:20:30Z',
        status: 502,
        ip: '198.51.100.8',
        who: null,
        tags: 0,
        extra: '{"meta":{"time":"20/Nov/2026:11:20:30 +0100"},"retry":2}',
      },
    ]);
    expect(
      (
        await engine.query(
          `SELECT job, ok, "rows", json_extract_string(host, '$.name') AS host, error, extra FROM batch_jobs ORDER BY ts`,
        )
      ).rows,
    ).toEqual([
      { job: 'nightly-etl', ok: true, rows: 1200, host: 'etl-1', error: null, extra: null },
      { job: 'report', ok: false, rows: 0, host: null, error: 'timeout', extra: null },
      { job: 'backfill', ok: true, rows: 5, host: null, error: null, extra: '{"queue":"slow"}' },
    ]);
  });

  it('a sources file with a mistake names the file and field; ingest refuses, queries still run', async () => {
    makeHome(SOURCES_YAML.replace('format: epoch_ms', 'format: epoch_minutes'));
    const loaded = loadCustomSources(home);
    expect(loaded.error).toBeInstanceOf(CustomSourceError);
    expect(loaded.error?.message).toBe(
      'sources.yaml: sources[1].timestamp.format: a pattern needs at least %Y, %m (or %b) and %d',
    );
    runtime = new LocalRuntime(home, fixedClock(new Date('2026-11-21T08:00:00Z')));
    expect(runtime.tables).not.toContain('checkout_api');
    const file = join(home, 'in', 'checkout', 'x.ndjson');
    writeFileSync(file, '{}');
    await expect(runtime.ingestFile(file)).rejects.toThrow(loaded.error?.message as string);
    expect((await (await runtime.query()).query('SELECT count(*) AS n FROM cloudtrail')).rows).toEqual([
      { n: 0 },
    ]);
  });

  it('reports YAML syntax errors and a missing sample file with the file and field', () => {
    makeHome('sources: [');
    expect(loadCustomSources(home).error?.message).toMatch(/^sources\.yaml: invalid YAML: /);
    rmSync(home, { recursive: true, force: true });
    makeHome(SOURCES_YAML.replace('samples/jobs.ndjson', 'samples/missing.ndjson'));
    expect(loadCustomSources(home).error?.message).toBe(
      `sources.yaml: sources[1].sample: sample file ${join(home, 'samples', 'missing.ndjson')} does not exist`,
    );
  });
});

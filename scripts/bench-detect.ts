/**
 * Detection figures: one fused scan against one query per rule over the same new data, in the same
 * run, and the real-time path's latency from a batch written to its alerts stored.
 *
 *   npm run bench:detect -- [--events 10000000] [--rules 100] [--batches 20] [--batch-size 1000]
 *
 * Bytes read are measured, not modelled: the growth of this process's `rchar` (/proc/self/io,
 * every byte DuckDB's threads read from the Parquet files, page cache or not) around each query.
 * Beside it, "one scan of the new data" is the size of the new Parquet files, and the modelled
 * figure is the Parquet column-chunk bytes (parquet_metadata) of the columns each query reads.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbParquetEncoder } from '../lambdas/adapters/duckdb/parquet-encoder.js';
import { DuckDbQueryEngine } from '../lambdas/adapters/duckdb/query-engine.js';
import { FsObjectStore } from '../lambdas/adapters/local/fs-object-store.js';
import { SqliteStateStore } from '../lambdas/adapters/local/sqlite-state-store.js';
import { runDetectionCycle } from '../lambdas/core/detection/cycle.js';
import { renderFusedScan, runFusedScan } from '../lambdas/core/detection/fused.js';
import { RealtimeBatch } from '../lambdas/core/detection/realtime.js';
import { ingestObject } from '../lambdas/core/lake/ingest.js';
import { Manifest } from '../lambdas/core/lake/manifest.js';
import { systemClock } from '../lambdas/core/ports/clock.js';
import { compileSigmaRules, type SigmaEventRule } from '../lambdas/core/rules/sigma-rule.js';
import { TABLES } from '../lambdas/core/schema/registry.js';
import { duckdbType, quoteIdent } from '../lambdas/core/schema/types.js';
import { detectionSql } from '../lambdas/core/sigma/index.js';
import { cloudtrailSchema } from '../lambdas/core/sources/cloudtrail/schema.js';
import { SOURCES } from '../lambdas/core/sources/registry.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    rules: { type: 'string', default: '100' },
    batches: { type: 'string', default: '20' },
    'batch-size': { type: 'string', default: '1000' },
  },
});
const EVENTS = Number(values.events);
const RULES = Number(values.rules);
const BATCHES = Number(values.batches);
const BATCH_SIZE = Number(values['batch-size']);

const COMMON = [
  'GetObject',
  'PutObject',
  'ListBuckets',
  'DescribeInstances',
  'AssumeRole',
  'GetCallerIdentity',
  'ListObjects',
  'Decrypt',
  'GenerateDataKey',
  'DescribeVolumes',
];
/** Sensitive actions the rules look for: each is about 1 event in 5,000. */
const RARE = Array.from(
  { length: 50 },
  (_, i) =>
    `${['Delete', 'Stop', 'Disable', 'Put', 'Create', 'Update', 'Detach', 'Attach', 'Modify', 'Remove'][i % 10]}${['Trail', 'Logging', 'Key', 'Policy', 'User'][Math.floor(i / 10)]}${i}`,
);
const TOOLS = [
  'kali',
  'trufflehog',
  'pacu',
  'nmap',
  's3scanner',
  'cloudsploit',
  'prowler',
  'scoutsuite',
  'weirdaal',
  'cloudfox',
];

/** The rule set: 100 single-event rules of the shapes Sigma's CloudTrail rules have. */
function ruleTexts(n: number): { file: string; id: string; text: string }[] {
  const out: { file: string; id: string; text: string }[] = [];
  const head = (title: string) =>
    `title: ${title}\nlevel: medium\ndedup_fields: [useridentity.arn]\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n`;
  for (let i = 0; out.length < n; i++) {
    const k = i % 100;
    let body: string;
    if (k < 50) body = `  selection:\n    eventName: ${RARE[k]}\n  condition: selection\n`;
    else if (k < 70)
      body = `  selection:\n    eventName: ${RARE[k - 50]}\n    errorCode: AccessDenied\n  condition: selection\n`;
    else if (k < 80)
      body = `  selection:\n    userAgent|contains: ${TOOLS[k - 70]}\n  condition: selection\n`;
    else if (k < 90)
      body = `  selection:\n    requestParameters.bucketName|startswith: prod-secret-${k - 80}-\n  condition: selection\n`;
    else if (k < 95)
      body = `  selection:\n    userIdentity.type: Root\n    eventName: ${COMMON[k - 90]}\n  condition: selection\n`;
    else
      body = `  selection:\n    sourceIPAddress|cidr: 203.0.113.${(k - 95) * 16}/28\n  filter:\n    eventName: GetCallerIdentity\n  condition: selection and not filter\n`;
    out.push({ file: `bench/${i}.yml`, id: `bench/${i}`, text: head(`Bench rule ${i}`) + body });
  }
  return out;
}

const list = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

/** CloudTrail rows generated in SQL, written as the lake writes them (zstd, hive dt/hour). */
function generateSql(n: number, from: Date, out: string): string {
  const h = (salt: number) => `CAST(hash(i * 7919 + ${salt}) % 1000000 AS BIGINT)`;
  const exprs: Record<string, string> = {
    eventversion: `'1.09'`,
    useridentity: `{'type': CASE WHEN ${h(1)} < 100 THEN 'Root' ELSE 'IAMUser' END, 'principalid': NULL, 'arn': 'arn:aws:iam::123456789012:user/u' || (${h(2)} % 20), 'accountid': '123456789012', 'accesskeyid': NULL, 'username': 'u' || (${h(2)} % 20), 'invokedby': NULL, 'identityprovider': NULL, 'credentialid': NULL, 'sessioncontext': NULL}`,
    eventtime: 'ts',
    eventsource: `'svc' || (${h(3)} % 12) || '.amazonaws.com'`,
    eventname: `CASE WHEN ${h(4)} < 10000 THEN ${list(RARE)}[1 + ${h(5)} % ${RARE.length}] ELSE ${list(COMMON)}[1 + ${h(5)} % ${COMMON.length}] END`,
    awsregion: `'eu-west-1'`,
    sourceipaddress: `CASE WHEN ${h(6)} < 200 THEN '203.0.113.' || (${h(7)} % 256) ELSE '10.0.' || (${h(7)} % 256) || '.' || (${h(8)} % 256) END`,
    useragent: `CASE WHEN ${h(9)} < 200 THEN ${list(TOOLS)}[1 + ${h(10)} % ${TOOLS.length}] || '/1.0' ELSE 'aws-cli/2.17.0 Python/3.11.9 Linux/6.1 exe/x86_64' END`,
    errorcode: `CASE WHEN ${h(11)} < 100000 THEN 'AccessDenied' END`,
    requestparameters: `'{"bucketName":"' || CASE WHEN ${h(12)} < 100 THEN 'prod-secret-' || (${h(13)} % 10) || '-x' ELSE 'app-data-' || (${h(13)} % 1000) END || '","key":"objects/' || (${h(14)} % 100000) || '.json"}'`,
    requestid: `md5(CAST(i AS VARCHAR))`,
    eventid: `uuid()`,
    eventtype: `'AwsApiCall'`,
    readonly: `${h(15)} % 2 = 0`,
    managementevent: 'true',
    eventcategory: `'Management'`,
    recipientaccountid: `'123456789012'`,
    tlsdetails: `{'tlsversion': 'TLSv1.3', 'ciphersuite': 'TLS_AES_128_GCM_SHA256', 'clientprovidedhostheader': 's3.amazonaws.com'}`,
    event_id: `'bench-' || i`,
    ingest_ts: 'now()::TIMESTAMP',
    source_object: `'bench/batch-' || (i // 100000)`,
  };
  const cols = cloudtrailSchema.columns.map(
    (c) =>
      `CAST(${c.name === 'ts' ? 'ts' : (exprs[c.name] ?? 'NULL')} AS ${duckdbType(c.type)}) AS ${quoteIdent(c.name)}`,
  );
  const start = from.getTime() / 1000;
  return `COPY (
    SELECT ${cols.join(',\n      ')}, strftime(ts, '%Y-%m-%d') AS dt, strftime(ts, '%H') AS hour
    FROM (SELECT range AS i, to_timestamp(${start} + range * 86400.0 / ${n})::TIMESTAMP AS ts FROM range(${n}))
  ) TO '${out}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, PARTITION_BY (dt, hour))`;
}

function rchar(): number {
  const line = readFileSync('/proc/self/io', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('rchar:'));
  return Number(line?.split(/\s+/)[1] ?? Number.NaN);
}

async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; bytes: number }> {
  const b0 = rchar();
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0, bytes: rchar() - b0 };
}

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'mantissa-bench-detect-'));
  const store = new FsObjectStore(join(home, 'lake'));
  const state = new SqliteStateStore(join(home, 'state.db'));
  const encoder = await DuckDbParquetEncoder.open();
  try {
    const compiled = compileSigmaRules(ruleTexts(RULES), 'duckdb');
    if (compiled.errors.length > 0) throw new Error(compiled.errors.map((e) => e.message).join('\n'));
    const rules: SigmaEventRule[] = compiled.events;

    const from = new Date(Date.now() - 2 * 86_400_000);
    process.stderr.write(`generating ${EVENTS.toLocaleString()} CloudTrail events...\n`);
    const gen = await DuckDBInstance.create(':memory:', { threads: '2' });
    const conn = await gen.connect();
    await conn.run("SET TimeZone = 'UTC'");
    const tableDir = join(store.root, 'tables', 'cloudtrail');
    mkdirSync(tableDir, { recursive: true });
    const tg = performance.now();
    await conn.run(generateSql(EVENTS, from, tableDir));
    const chunkBytes = Number(
      (
        await conn.runAndReadAll(
          `SELECT sum(total_compressed_size) AS b FROM parquet_metadata('${tableDir}/*/*/*.parquet')`,
        )
      ).getRowObjectsJson()[0]?.b,
    );
    conn.closeSync();
    gen.closeSync();
    const paths = (await store.list('tables/cloudtrail/')).map((o) => o.key);
    const fileBytes = (await store.list('tables/cloudtrail/')).reduce((s, o) => s + o.size, 0);
    process.stderr.write(`  ${paths.length} files, ${mb(fileBytes)} in ${secs(performance.now() - tg)}\n`);
    const to = new Date(from.getTime() + 86_400_000);
    await new Manifest(state).record({
      batchId: 'bench',
      source: 'cloudtrail',
      sourceObject: 'bench',
      ingestedAt: new Date().toISOString(),
      records: EVENTS,
      written: EVENTS,
      quarantined: 0,
      tables: {
        cloudtrail: { rows: EVENTS, files: paths, minTs: from.toISOString(), maxTs: to.toISOString() },
      },
    });

    const engine = await DuckDbQueryEngine.open({ lakeRoot: store.root, tables: TABLES });
    const scope = { table: 'cloudtrail', from, to };
    const scan = renderFusedScan('cloudtrail', rules, 'duckdb');
    await engine.query('SELECT 1'); // Views built before anything is timed.
    const fused = await measure(() => runFusedScan(engine, scan, scope));
    const matched = [...fused.value.matches.values()].reduce((s, m) => s + m.length, 0);
    const perRule = await measure(async () => {
      let rows = 0;
      for (const rule of rules)
        rows += (
          await engine.query(detectionSql(rule.compiled, 'duckdb'), { scopes: [scope], maxRows: 500_000 })
        ).rows.length;
      return rows;
    });
    const cycle = await measure(() =>
      runDetectionCycle({
        state,
        query: engine,
        clock: systemClock,
        rules: [],
        sigma: { events: rules, queries: [] },
        tables: TABLES.map((t) => t.name),
      }),
    );
    await engine.close();

    // Real time: batches through the real ingest path, the same rules in the in-memory matcher.
    const latencies: number[] = [];
    for (let b = 0; b < BATCHES; b++) {
      const records = Array.from({ length: BATCH_SIZE }, (_, i) => rawEvent(b * BATCH_SIZE + i, i === 0));
      const batch = new RealtimeBatch({ state, clock: systemClock, rules });
      await ingestObject(
        {
          store,
          state,
          encoder,
          clock: systemClock,
          sources: SOURCES,
          realtime: {
            add: (table, row) => batch.add(table, row),
            written: async (entry) => {
              const t0 = performance.now();
              await batch.written(entry);
              latencies.push(performance.now() - t0);
            },
          },
        },
        {
          sourceObject: `realtime/batch-${b}.json`,
          body: Buffer.from(JSON.stringify({ Records: records })),
          source: 'cloudtrail',
        },
      );
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN;

    const report = [
      `bench:detect — ${EVENTS.toLocaleString()} CloudTrail events (${mb(fileBytes)} of Parquet, ${paths.length} files), ${rules.length} single-event rules`,
      '',
      `                           fused scan         one query per rule`,
      `  queries                  1                  ${rules.length}`,
      `  time                     ${secs(fused.ms).padEnd(19)}${secs(perRule.ms)}`,
      `  bytes read (rchar)       ${mb(fused.bytes).padEnd(19)}${mb(perRule.bytes)}`,
      `  bytes, modelled          ${mb(chunkBytes).padEnd(19)}${mb(chunkBytes * rules.length)}   (column chunks of the columns read: SELECT * reads all)`,
      `  rows matched             ${String(matched).padEnd(19)}${perRule.value}`,
      '',
      `  fused / one scan of the new data (${mb(fileBytes)}):  ${(fused.bytes / fileBytes).toFixed(2)}x   target <= 1.2x   ${mark(fused.bytes <= 1.2 * fileBytes)}`,
      `  per-rule / fused, bytes read:                ${(perRule.bytes / fused.bytes).toFixed(1)}x   target >= 20x    ${mark(perRule.bytes >= 20 * fused.bytes)}`,
      `  per-rule / fused, time:                      ${(perRule.ms / fused.ms).toFixed(1)}x`,
      `  whole cycle (fused scan + raising ${cycle.value.raised.length} alerts from ${matched} matches): ${secs(cycle.ms)}`,
      '',
      `real time: ${BATCHES} batches of ${BATCH_SIZE} events through ingest, each with matches`,
      `  batch written -> alerts stored: median ${median.toFixed(0)} ms, max ${(latencies.at(-1) ?? 0).toFixed(0)} ms   target < 2 s   ${mark(median < 2000)}`,
    ];
    process.stdout.write(`${report.join('\n')}\n`);
    writeFileSync(join(home, 'report.txt'), report.join('\n'));
  } finally {
    await encoder.close();
    await state.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** A raw CloudTrail record for the real-time batches; `hot` ones trip a rule. */
function rawEvent(i: number, hot: boolean): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      arn: `arn:aws:iam::123456789012:user/u${i % 20}`,
      accountId: '123456789012',
      userName: `u${i % 20}`,
    },
    eventTime: new Date(Date.now() - 60_000).toISOString(),
    eventSource: 's3.amazonaws.com',
    eventName: hot ? (RARE[i % RARE.length] as string) : (COMMON[i % COMMON.length] as string),
    awsRegion: 'eu-west-1',
    sourceIPAddress: `10.0.${i % 256}.${(i * 7) % 256}`,
    userAgent: 'aws-cli/2.17.0',
    requestParameters: { bucketName: `app-data-${i % 1000}` },
    eventID: `rt-${i}`,
    eventType: 'AwsApiCall',
    recipientAccountId: '123456789012',
  };
}

await main();

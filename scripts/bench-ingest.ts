/**
 * Ingest figures: `npm run bench:ingest [-- --records N]` (default 1,000,000). Generates N realistic
 * CloudTrail records (NDJSON, gzip) and 2N more, then in child processes (each reporting its own
 * peak RSS) ingests them with our pipeline (decode, normalise, check, Parquet parts, raw copy,
 * quarantine, manifest) and converts the N file with DuckDB alone (read_json + COPY to zstd
 * Parquet, no normalisation) as the baseline. Prints records/s, MB/s, peak RSS and the targets.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbParquetEncoder } from '../lambdas/adapters/duckdb/parquet-encoder.js';
import { FsObjectStore } from '../lambdas/adapters/local/fs-object-store.js';
import { SqliteStateStore } from '../lambdas/adapters/local/sqlite-state-store.js';
import { ingestObject } from '../lambdas/core/lake/ingest.js';
import { systemClock } from '../lambdas/core/ports/clock.js';
import { generateCloudTrailRecords } from '../lambdas/core/sources/cloudtrail/sample.js';
import { SOURCES } from '../lambdas/core/sources/registry.js';

interface Figures {
  records: number;
  seconds: number;
  maxRssMb: number;
  written?: number;
  quarantined?: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** N records from the CloudTrail sample's pool, made unique, within the last hour. */
async function generate(file: string, n: number): Promise<{ bytes: number; avg: number }> {
  const pool = generateCloudTrailRecords({ end: new Date(), days: 2, seed: 11 })
    .records.map((r) => JSON.stringify(r))
    .filter((line) => line.length <= 1_500);
  const gzip = createGzip({ level: 6 });
  const out = gzip.pipe(createWriteStream(file));
  const base = Date.now() - 2 * 3_600_000;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const record = JSON.parse(pool[i % pool.length] as string) as Record<string, unknown>;
    record.eventID = `bench-${i.toString(16).padStart(12, '0')}-${(i * 2654435761) >>> 0}`;
    record.eventTime = new Date(base + Math.floor((i / n) * 3_600_000))
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const line = `${JSON.stringify(record)}\n`;
    bytes += line.length;
    if (!gzip.write(line)) await new Promise<void>((done) => gzip.once('drain', done));
  }
  gzip.end();
  await new Promise<void>((done, fail) => out.on('finish', done).on('error', fail));
  return { bytes, avg: bytes / n };
}

async function runOurs(file: string, home: string): Promise<Figures> {
  const encoder = await DuckDbParquetEncoder.open(home);
  const state = new SqliteStateStore(join(home, 'state.db'));
  const store = new FsObjectStore(join(home, 'lake'));
  const started = performance.now();
  const report = await ingestObject(
    { store, state, encoder, clock: systemClock, sources: SOURCES },
    {
      sourceObject: file,
      open: () => createReadStream(file, { highWaterMark: 1_048_576 }),
      source: 'cloudtrail',
    },
  );
  const seconds = (performance.now() - started) / 1000;
  await encoder.close();
  await state.close();
  return {
    records: report.records,
    written: report.written,
    quarantined: report.quarantined,
    seconds,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

async function runBaseline(file: string, home: string): Promise<Figures> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  const started = performance.now();
  await conn.run(
    `COPY (SELECT * FROM read_json('${file}', format = 'newline_delimited', maximum_object_size = 67108864))
     TO '${join(home, 'baseline.parquet')}' (FORMAT parquet, COMPRESSION zstd)`,
  );
  const seconds = (performance.now() - started) / 1000;
  const count = await conn.runAndReadAll(`SELECT count(*) AS n FROM '${join(home, 'baseline.parquet')}'`);
  const records = Number(count.getRowObjectsJson()[0]?.n ?? 0);
  conn.closeSync();
  instance.closeSync();
  return { records, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function child(mode: 'ours' | 'baseline', file: string, home: string): Figures {
  const script = fileURLToPath(import.meta.url);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', script, '--child', mode, '--file', file, '--home', home],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  if (result.status !== 0) throw new Error(`${mode} run failed:\n${result.stderr}`);
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Figures;
}

function row(label: string, f: Figures, uncompressedMb: number): string {
  const rps = f.records / f.seconds;
  return `${label.padEnd(26)} ${String(f.records).padStart(9)} rec  ${f.seconds.toFixed(1).padStart(7)} s  ${Math.round(rps).toLocaleString('en').padStart(9)} rec/s  ${(uncompressedMb / f.seconds).toFixed(1).padStart(7)} MB/s  peak RSS ${Math.round(f.maxRssMb).toString().padStart(5)} MB`;
}

async function main(): Promise<void> {
  const mode = arg('child');
  if (mode === 'ours' || mode === 'baseline') {
    const file = arg('file') as string;
    const home = arg('home') as string;
    const figures = mode === 'ours' ? await runOurs(file, home) : await runBaseline(file, home);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return;
  }
  const n = Number(arg('records') ?? 1_000_000);
  if (!Number.isInteger(n) || n <= 0) throw new Error('--records needs a positive integer');
  const dir = mkdtempSync(join(tmpdir(), 'mantissa-bench-ingest-'));
  try {
    process.stderr.write(`generating ${n} and ${2 * n} CloudTrail records under ${dir}…\n`);
    const one = join(dir, 'cloudtrail-n.ndjson.gz');
    const two = join(dir, 'cloudtrail-2n.ndjson.gz');
    const genOne = await generate(one, n);
    const genTwo = await generate(two, 2 * n);
    const mbOne = genOne.bytes / 1_048_576;
    const mbTwo = genTwo.bytes / 1_048_576;
    process.stderr.write(
      `N: ${mbOne.toFixed(0)} MB of JSON (${(statSync(one).size / 1_048_576).toFixed(0)} MB gzip), ${genOne.avg.toFixed(0)} bytes a record\n`,
    );
    const home = (name: string) => mkdtempSync(join(dir, `${name}-`));
    process.stderr.write('baseline (DuckDB read_json + COPY)…\n');
    const baseline = child('baseline', one, home('baseline'));
    process.stderr.write('ours at N…\n');
    const oursN = child('ours', one, home('ours-n'));
    process.stderr.write('ours at 2N…\n');
    const ours2N = child('ours', two, home('ours-2n'));
    if (oursN.written !== n || ours2N.written !== 2 * n) {
      throw new Error(`lost records: wrote ${oursN.written} of ${n} and ${ours2N.written} of ${2 * n}`);
    }
    const ratio = oursN.records / oursN.seconds / (baseline.records / baseline.seconds);
    const growth = ours2N.maxRssMb / oursN.maxRssMb;
    const lines = [
      `ingest benchmark: ${n} CloudTrail records (~${genOne.avg.toFixed(0)} B each, NDJSON gzip), 2 DuckDB threads`,
      row('baseline DuckDB (N)', baseline, mbOne),
      row('ours (N)', oursN, mbOne),
      row('ours (2N)', ours2N, mbTwo),
      '',
      `throughput ratio ours/baseline: ${ratio.toFixed(2)}x   target >= 0.5x   ${ratio >= 0.5 ? 'met' : 'NOT met'}`,
      `peak RSS ours: ${Math.round(Math.max(oursN.maxRssMb, ours2N.maxRssMb))} MB   target <= 1536 MB   ${Math.max(oursN.maxRssMb, ours2N.maxRssMb) <= 1536 ? 'met' : 'NOT met'}`,
      `RSS at N ${Math.round(oursN.maxRssMb)} MB, at 2N ${Math.round(ours2N.maxRssMb)} MB: x${growth.toFixed(2)}   target flat (<= 1.15x)   ${growth <= 1.15 ? 'met' : 'NOT met'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

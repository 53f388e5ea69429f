import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import type { BatchReport } from '../../lambdas/core/lake/ingest.js';
import { type Command, parse } from './command.js';
import { printJson, progress, UsageError } from './output.js';

export interface IngestSummary {
  records: number;
  written: number;
  quarantined: number;
  /** Records that carry no event by design (e.g. CloudWatch Logs CONTROL_MESSAGE): counted, not kept. */
  skipped: number;
  tables: Record<string, number>;
  objects: BatchReport[];
}

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`no such file or folder: ${path}`);
  if (info.isFile()) return [path];
  const out: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name.startsWith('.')) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Ingests files and folders (recursively), one batch per file. */
export async function ingestPaths(
  runtime: LocalRuntime,
  paths: string[],
  source?: string,
): Promise<IngestSummary> {
  if (paths.length === 0) throw new UsageError('ingest needs at least one file or folder');
  const summary: IngestSummary = {
    records: 0,
    written: 0,
    quarantined: 0,
    skipped: 0,
    tables: {},
    objects: [],
  };
  const files = (await Promise.all(paths.map((p) => filesUnder(resolve(p))))).flat();
  // Two objects at a time: while DuckDB encodes one, JavaScript decodes the next. Reports keep file order.
  const reports = new Map<number, Promise<BatchReport>>();
  const ingest = (i: number) => {
    const file = files[i];
    if (file === undefined || reports.has(i)) return;
    const report = runtime.ingestFile(file, source);
    // Awaited in order below; until then, a failure must not count as unhandled.
    report.catch(() => {});
    reports.set(i, report);
  };
  for (const [i, file] of files.entries()) {
    ingest(i);
    ingest(i + 1);
    const report = await (reports.get(i) as Promise<BatchReport>);
    reports.delete(i);
    summary.records += report.records;
    summary.written += report.written;
    summary.quarantined += report.quarantined;
    summary.skipped += report.skipped;
    for (const [table, rows] of Object.entries(report.tables))
      summary.tables[table] = (summary.tables[table] ?? 0) + rows;
    summary.objects.push(report);
    if (report.quarantined > 0) {
      progress(
        `${file}: ${report.quarantined} of ${report.records} records quarantined (${report.quarantineKey}); first: ${report.reasons[0]?.position}: ${report.reasons[0]?.reason}`,
      );
    }
  }
  return summary;
}

export const ingestCommand: Command = {
  name: 'ingest',
  usage: 'mantissa ingest PATH... [--source NAME] [--json]',
  async run(runtime, args) {
    const { values, positionals } = parse(args, { source: { type: 'string' }, json: { type: 'boolean' } });
    const summary = await ingestPaths(runtime, positionals, values.source);
    if (values.json) printJson(summary);
    else {
      process.stdout.write(
        `${summary.records} records in ${summary.objects.length} objects: ${summary.written} written, ${summary.quarantined} quarantined, ${summary.skipped} skipped\n`,
      );
      for (const [table, rows] of Object.entries(summary.tables))
        process.stdout.write(`  ${table}: ${rows} rows\n`);
    }
    return summary.quarantined > 0 && summary.written === 0 ? 1 : 0;
  },
};

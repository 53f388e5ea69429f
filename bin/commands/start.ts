import { join } from 'node:path';
import type { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { startLocalServer } from '../../lambdas/adapters/local/server.js';
import { type Command, intOption, parse } from './command.js';
import { ingestPaths } from './ingest.js';
import { progress } from './output.js';
import { writeSample } from './sample.js';

export interface StartOptions {
  port: number;
  sample: boolean;
  detectEveryMs: number;
  version: string;
}

/**
 * `mantissa start`: sample data on first run, ingest, one detection cycle, then the API and
 * console on 127.0.0.1 with detection on a schedule, until Ctrl-C.
 */
export async function start(runtime: LocalRuntime, opts: StartOptions): Promise<void> {
  progress(`Mantissa Log ${opts.version}, data in ${runtime.home}`);
  for (const error of (await runtime.rules()).errors) progress(`rule skipped: ${error.message}`);
  if (opts.sample && (await runtime.lakeIsEmpty())) {
    const dir = join(runtime.home, 'sample');
    const sample = await writeSample(dir, { days: 3, end: runtime.clock.now(), seed: 20261121 });
    progress(`wrote sample logs: ${sample.files} files under ${dir}`);
    const ingested = await ingestPaths(runtime, [dir]);
    progress(
      `ingested ${ingested.records} records: ${ingested.written} written, ${ingested.quarantined} quarantined, ${ingested.skipped} skipped (${Object.entries(
        ingested.tables,
      )
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')})`,
    );
  }
  const report = await runtime.detect();
  progress(
    `detection: ${report.batches} new batches, ${report.rulesRun} rules run, ${report.raised.length} alerts raised, ${report.updated.length} updated`,
  );
  for (const alert of report.raised) progress(`  [${alert.severity}] ${alert.title}`);
  for (const error of report.errors) progress(`  rule ${error.ruleId} failed: ${error.error}`);

  const server = await startLocalServer(runtime, {
    port: opts.port,
    detectEveryMs: opts.detectEveryMs,
    version: opts.version,
    onCycle: (r) => {
      if (r.batches > 0 || r.errors.length > 0) {
        progress(
          `detection: ${r.batches} new batches, ${r.raised.length} alerts raised, ${r.updated.length} updated`,
        );
        for (const e of r.errors) progress(`  rule ${e.ruleId} failed: ${e.error}`);
      }
    },
    onCycleError: (err) => progress(`detection cycle failed: ${err.message}`),
    // Alert delivery: say what was sent and, above all, what was dead-lettered and why.
    onDelivery: ({ routing, drain }) => {
      for (const r of drain.records)
        if (r.outcome !== 'retry')
          progress(`  delivery ${r.id}: ${r.outcome}${r.error ? ` (${r.error})` : ''}`);
      for (const e of routing.errors) progress(`  routing ${e.alertId}: ${e.error}`);
    },
    onDeliveryError: (err) => progress(`alert delivery failed: ${err.message}`),
  });
  const open = (await runtime.alerts.list({ status: 'open' })).length;
  process.stdout.write(
    [
      `Mantissa Log is running at ${server.url}  (${open} open alerts)`,
      `  API:       ${server.url}/api/v1/health, ${server.url}/api/openapi.json`,
      `  token:     npx mantissa token --role analyst`,
      `  try:       curl -H "Authorization: Bearer $(npx mantissa token)" ${server.url}/api/v1/alerts`,
      `  detection: every ${Math.round(opts.detectEveryMs / 1000)} s; Ctrl-C stops`,
      '',
    ].join('\n'),
  );

  await new Promise<void>((resolveStop) => {
    const stop = (signal: string) => {
      progress(`\n${signal}: stopping`);
      resolveStop();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close();
}

export const startCommand: Command = {
  name: 'start',
  usage: 'mantissa start [--port 8080] [--no-sample] [--interval SECONDS]',
  async run(runtime, args, ctx) {
    const { values } = parse(args, {
      port: { type: 'string', default: '8080' },
      'no-sample': { type: 'boolean', default: false },
      interval: { type: 'string', default: '60' },
    });
    await start(runtime, {
      port: intOption(values.port, 'port', 0, 65535) ?? 8080,
      sample: !values['no-sample'],
      detectEveryMs: (intOption(values.interval, 'interval', 0, 86400) ?? 60) * 1000,
      version: ctx.version,
    });
    return 0;
  },
};

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { defaultHome, LocalRuntime, PACKAGE_ROOT } from '../lambdas/adapters/local/runtime.js';
import { SQL_MAX_ROWS, SQL_TIMEOUT_MS } from '../lambdas/api/app.js';
import { ROLES, type Role } from '../lambdas/api/auth.js';
import { ALERT_STATUSES, type AlertStatus } from '../lambdas/core/alerts/model.js';
import { guardSql, SqlRejectedError } from '../lambdas/core/query/sql-guard.js';
import { ingestPaths } from './commands/ingest.js';
import { printJson, printTable, progress, UsageError } from './commands/output.js';
import { writeSample } from './commands/sample.js';
import { start } from './commands/start.js';

const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

const USAGE = `mantissa ${VERSION}: the local Mantissa Log SIEM (data in $MANTISSA_HOME, default ./.mantissa)

  mantissa start [--port 8080] [--no-sample] [--interval SECONDS]
  mantissa sample [--days 3] [--out DIR]
  mantissa ingest PATH... [--source NAME] [--json]
  mantissa detect [--json]
  mantissa sql "SELECT ..." [--json]
  mantissa alerts [--status open|acknowledged|resolved] [--json]
  mantissa token [--role admin|analyst|viewer]
`;

function parse<const T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function intOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const runtime = new LocalRuntime(defaultHome());
  try {
    switch (command) {
      case 'start': {
        const { values } = parse(rest, {
          port: { type: 'string', default: '8080' },
          'no-sample': { type: 'boolean', default: false },
          interval: { type: 'string', default: '60' },
        });
        await start(runtime, {
          port: intOption(values.port, 'port', 0, 65535) ?? 8080,
          sample: !values['no-sample'],
          detectEveryMs: (intOption(values.interval, 'interval', 0, 86400) ?? 60) * 1000,
          version: VERSION,
        });
        return 0;
      }
      case 'sample': {
        const { values } = parse(rest, { days: { type: 'string', default: '3' }, out: { type: 'string' } });
        const dir = resolve(typeof values.out === 'string' ? values.out : join(runtime.home, 'sample'));
        const days = intOption(values.days, 'days', 1, 90) ?? 3;
        const summary = await writeSample(dir, {
          days,
          end: runtime.clock.now(),
          seed: Date.now() % 2 ** 31,
        });
        process.stdout.write(`wrote ${summary.files} files (${summary.bytes} bytes) under ${summary.dir}\n`);
        return 0;
      }
      case 'ingest': {
        const { values, positionals } = parse(rest, {
          source: { type: 'string' },
          json: { type: 'boolean' },
        });
        const summary = await ingestPaths(runtime, positionals, values.source as string | undefined);
        if (values.json) printJson(summary);
        else {
          process.stdout.write(
            `${summary.records} records in ${summary.objects.length} objects: ${summary.written} written, ${summary.quarantined} quarantined\n`,
          );
          for (const [table, rows] of Object.entries(summary.tables))
            process.stdout.write(`  ${table}: ${rows} rows\n`);
        }
        return summary.quarantined > 0 && summary.written === 0 ? 1 : 0;
      }
      case 'detect': {
        const { values } = parse(rest, { json: { type: 'boolean' } });
        const report = await runtime.detect();
        if (values.json) printJson(report);
        else {
          process.stdout.write(
            `${report.batches} new batches, ${report.rulesRun} rules run: ${report.raised.length} alerts raised, ${report.updated.length} updated\n`,
          );
          for (const alert of report.raised)
            process.stdout.write(`  [${alert.severity}] ${alert.id} ${alert.title}\n`);
          for (const error of report.errors)
            process.stdout.write(`  rule ${error.ruleId} failed: ${error.error}\n`);
          if (report.skipped) process.stdout.write('  another detection cycle was running; nothing done\n');
        }
        return report.errors.length > 0 ? 1 : 0;
      }
      case 'sql': {
        const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
        if (positionals.length !== 1) throw new UsageError('sql takes one argument: the SQL, quoted');
        const sql = positionals[0] as string;
        try {
          guardSql(sql, { tables: runtime.tables });
        } catch (err) {
          if (err instanceof SqlRejectedError) {
            progress(`SQL refused: ${err.message}`);
            return 1;
          }
          throw err;
        }
        const result = await (await runtime.query()).query(sql, {
          maxRows: SQL_MAX_ROWS,
          timeoutMs: SQL_TIMEOUT_MS,
        });
        if (values.json) printJson({ ...result, rowCount: result.rows.length });
        else {
          printTable(
            result.columns.map((c) => c.name),
            result.rows,
          );
          progress(`${result.rows.length} rows${result.truncated ? ` (cut at ${SQL_MAX_ROWS})` : ''}`);
        }
        return 0;
      }
      case 'alerts': {
        const { values } = parse(rest, { status: { type: 'string' }, json: { type: 'boolean' } });
        const status = values.status as string | undefined;
        if (status && !ALERT_STATUSES.includes(status as AlertStatus)) {
          throw new UsageError(`--status must be one of ${ALERT_STATUSES.join(', ')}`);
        }
        const alerts = await runtime.alerts.list(status ? { status: status as AlertStatus } : {});
        if (values.json)
          printJson({ alerts: alerts.map(({ evidenceHashes: _h, ...a }) => a), count: alerts.length });
        else
          printTable(
            ['id', 'severity', 'status', 'lastSeen', 'count', 'title'],
            alerts as unknown as Record<string, unknown>[],
          );
        return 0;
      }
      case 'token': {
        const { values } = parse(rest, { role: { type: 'string', default: 'analyst' } });
        const role = values.role as string;
        if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
        const key = await runtime.signingKey();
        process.stdout.write(`${await key.issue({ role: role as Role })}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    if (err instanceof UsageError) {
      process.stderr.write(`mantissa: ${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`mantissa: ${err.message}\n`);
      process.exitCode = 1;
    }
  },
);

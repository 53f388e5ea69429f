import { createHash } from 'node:crypto';
import { ConformError, conform } from '../../schema/conform.js';
import { RecordError, type SourceModule, type TableRow, type TextParser } from '../types.js';
import { vpcflowSampleFiles } from './sample.js';
import { FLOW_FIELDS, vpcflowSchema } from './schema.js';

/** Field name with case, `-` and `_` squashed, so `dstPort`, `dst-port` and `dstport` agree. */
function squash(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

const BY_SQUASHED = new Map(FLOW_FIELDS.map((f) => [squash(f.field), f]));
BY_SQUASHED.set('starttime', FLOW_FIELDS[10] as (typeof FLOW_FIELDS)[number]);
BY_SQUASHED.set('endtime', FLOW_FIELDS[11] as (typeof FLOW_FIELDS)[number]);
/** Fields of format versions after 5, kept in `extra`. */
const LATER_FIELDS = new Set([
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
  'reject-reason',
]);
const DEFAULT_FORMAT = FLOW_FIELDS.slice(0, 14).map((f) => f.field);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isField(token: string): boolean {
  return BY_SQUASHED.has(squash(token)) || LATER_FIELDS.has(token);
}

/** A text parser for lines of the given fields; `-` is a missing value. */
function lineParser(fields: readonly string[], headerConsumed: boolean): TextParser {
  return {
    headerConsumed,
    parse(line) {
      const values = line.trim().split(/ +/);
      if (values.length !== fields.length) {
        throw new RecordError(
          `expected ${fields.length} space-separated fields (${fields.slice(0, 4).join(' ')} …), got ${values.length}`,
        );
      }
      const record: Record<string, string | null> = {};
      fields.forEach((field, i) => {
        const value = values[i] as string;
        record[field] = value === '-' ? null : value;
      });
      return record;
    },
  };
}

/** Epoch seconds (text or number) -> Date. */
function epochSeconds(value: unknown, field: string): Date | null {
  if (value === null || value === undefined) return null;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n))
    throw new RecordError(`${field}: expected epoch seconds, got ${JSON.stringify(value)}`);
  return new Date(n * 1000);
}

export const vpcflow: SourceModule = {
  name: 'vpcflow',
  description:
    'Amazon VPC Flow Logs delivered to S3 (text, header line naming the fields, gzip), default or custom format v2–v5, or as JSON records.',
  tables: [vpcflowSchema],
  keyPatterns: [/(^|\/)AWSLogs\/(o-[a-z0-9]+\/)?\d{12}\/vpcflowlogs\//, /(^|\/)vpcflow(logs)?\//i],
  text: {
    open(first) {
      const tokens = first.trim().split(/ +/);
      if (
        tokens.length >= 3 &&
        tokens.every(isField) &&
        tokens.some((t) => ['srcaddr', 'log-status', 'interface-id'].includes(t))
      ) {
        return lineParser(tokens, true);
      }
      // No header: a default-format (v2) record line as the first line.
      if (tokens.length === 14 && tokens[0] === '2' && /^(\d{12}|-)$/.test(tokens[1] ?? '')) {
        return lineParser(DEFAULT_FORMAT, false);
      }
      return undefined;
    },
  },
  detect(record) {
    if (!isObject(record)) return false;
    const keys = new Set(Object.keys(record).map(squash));
    return (keys.has('srcaddr') && keys.has('dstaddr')) || (keys.has('interfaceid') && keys.has('logstatus'));
  },
  unwrap() {
    return undefined;
  },
  normalise(record, ctx): TableRow[] {
    if (!isObject(record)) throw new RecordError('record is not a JSON object');
    const row: Record<string, unknown> = {};
    for (const f of FLOW_FIELDS) row[f.column] = null;
    const extra: Record<string, unknown> = {};
    try {
      for (const [key, value] of Object.entries(record)) {
        const field = BY_SQUASHED.get(squash(key));
        if (!field) {
          extra[key] = value;
          continue;
        }
        const present = value === '-' ? null : value;
        row[field.column] =
          field.type === 'timestamp'
            ? epochSeconds(present, field.field)
            : conform(present, field.type, field.field);
      }
    } catch (err) {
      if (err instanceof ConformError) throw new RecordError(err.message);
      throw err;
    }
    const start = row.start_time;
    if (!(start instanceof Date))
      throw new RecordError('missing start (epoch seconds): the flow has no time');
    row.extra = Object.keys(extra).length > 0 ? JSON.stringify(extra) : null;
    row.ts = start;
    // Flow records carry no id: the record's own content is its identity.
    row.event_id = createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 32);
    row.ingest_ts = ctx.ingestTs;
    row.source_object = ctx.sourceObject;
    return [{ table: 'vpcflow', row }];
  },
  sample: vpcflowSampleFiles,
};

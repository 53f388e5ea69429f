import { createHash } from 'node:crypto';
import { ConformError, conform, parseTimestamp } from '../../schema/conform.js';
import { RecordError, type SourceModule, type TableRow } from '../types.js';
import { isBrokenPayload, isSubscriptionShape, unwrapSubscription } from './envelope.js';
import { cloudwatchLogsSampleFiles } from './sample.js';
import { cloudwatchLogsSchema } from './schema.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new RecordError(`missing or non-text ${field}`);
  return value;
}

export const cloudwatchLogs: SourceModule = {
  name: 'cloudwatch_logs',
  description:
    'CloudWatch Logs subscription payloads (base64 gzip DATA_MESSAGE), as Firehose writes them to S3 or Lambda receives them; CONTROL_MESSAGE is skipped.',
  tables: [cloudwatchLogsSchema],
  keyPatterns: [/(^|\/)cloudwatch[-_]logs\//i],
  detect: isSubscriptionShape,
  unwrap: unwrapSubscription,
  normalise(record, ctx): TableRow[] {
    if (isBrokenPayload(record)) throw new RecordError(record.cloudwatchLogsError);
    if (!isObject(record)) throw new RecordError('record is not a JSON object');
    if (record.messageType === 'CONTROL_MESSAGE') return [];
    if (record.messageType !== 'DATA_MESSAGE') {
      throw new RecordError(
        `messageType ${JSON.stringify(record.messageType)} is neither DATA_MESSAGE nor CONTROL_MESSAGE`,
      );
    }
    const logEvent = record.logEvent;
    if (!isObject(logEvent)) throw new RecordError('DATA_MESSAGE without a log event');
    try {
      const ts = parseTimestamp(logEvent.timestamp, 'logEvents.timestamp');
      const message = conform(logEvent.message, 'string', 'logEvents.message');
      const row: Record<string, unknown> = {
        owner: conform(record.owner, 'string', 'owner'),
        loggroup: text(record.logGroup, 'logGroup'),
        logstream: text(record.logStream, 'logStream'),
        subscriptionfilters: conform(record.subscriptionFilters, { list: 'string' }, 'subscriptionFilters'),
        id: conform(logEvent.id, 'string', 'logEvents.id'),
        message,
      };
      row.ts = ts;
      row.event_id =
        row.id ??
        createHash('sha256')
          .update(`${row.loggroup}\n${row.logstream}\n${ts.getTime()}\n${message}`)
          .digest('hex')
          .slice(0, 32);
      row.ingest_ts = ctx.ingestTs;
      row.source_object = ctx.sourceObject;
      return [{ table: 'cloudwatch_logs', row }];
    } catch (err) {
      if (err instanceof ConformError) throw new RecordError(err.message);
      throw err;
    }
  },
  sample: cloudwatchLogsSampleFiles,
};

import { gunzipSync } from 'node:zlib';

/**
 * CloudWatch Logs subscription payloads: `{messageType, owner, logGroup, logStream,
 * subscriptionFilters, logEvents: [{id, timestamp, message}]}`, gzip and base64 as Lambda
 * (`{"awslogs": {"data": …}}`) and Firehose (`{"records": [{"recordId", "data"}]}`) hand them over.
 */
export interface LogEventRecord {
  messageType: string;
  owner?: unknown;
  logGroup?: unknown;
  logStream?: unknown;
  subscriptionFilters?: unknown;
  logEvent?: unknown;
}

/** A payload that could not be opened; normalise quarantines it with the reason. */
export interface BrokenPayload {
  cloudwatchLogsError: string;
  data: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isBrokenPayload(value: unknown): value is BrokenPayload {
  return isObject(value) && typeof value.cloudwatchLogsError === 'string';
}

function isMessage(value: unknown): boolean {
  return isObject(value) && (value.messageType === 'DATA_MESSAGE' || value.messageType === 'CONTROL_MESSAGE');
}

/** base64 of gzip of the JSON message -> the message's records. */
function openData(data: unknown, where: string): (LogEventRecord | BrokenPayload)[] {
  if (typeof data !== 'string')
    return [{ cloudwatchLogsError: `${where}: data is not base64 text`, data: String(data) }];
  let message: unknown;
  try {
    const bytes = Buffer.from(data, 'base64');
    const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
    message = JSON.parse(text);
  } catch (err) {
    return [
      {
        cloudwatchLogsError: `${where}: cannot open data (base64 gzip JSON): ${(err as Error).message}`,
        data: data.slice(0, 1000),
      },
    ];
  }
  if (!isMessage(message)) {
    return [
      {
        cloudwatchLogsError: `${where}: data is not a CloudWatch Logs subscription message`,
        data: data.slice(0, 1000),
      },
    ];
  }
  return flatten(message as Record<string, unknown>);
}

/** One record per log event, carrying the message's group and stream; a control message stays one record. */
function flatten(message: Record<string, unknown>): LogEventRecord[] {
  const common = {
    messageType: String(message.messageType),
    owner: message.owner,
    logGroup: message.logGroup,
    logStream: message.logStream,
    subscriptionFilters: message.subscriptionFilters,
  };
  if (message.messageType !== 'DATA_MESSAGE' || !Array.isArray(message.logEvents)) return [common];
  return message.logEvents.map((logEvent) => ({ ...common, logEvent }));
}

export function unwrapSubscription(document: unknown): unknown[] | undefined {
  if (!isObject(document)) return undefined;
  if (isMessage(document)) return flatten(document);
  if (isObject(document.awslogs) && 'data' in document.awslogs)
    return openData(document.awslogs.data, 'awslogs');
  if (Array.isArray(document.records) && document.records.every((r) => isObject(r) && 'data' in r)) {
    return document.records.flatMap((r, i) => openData((r as Record<string, unknown>).data, `records[${i}]`));
  }
  if (typeof document.recordId === 'string' && 'data' in document) return openData(document.data, 'record');
  return undefined;
}

export function isSubscriptionShape(record: unknown): boolean {
  return (
    isMessage(record) ||
    (isObject(record) && isObject(record.awslogs) && typeof record.awslogs.data === 'string') ||
    (isObject(record) && typeof record.messageType === 'string' && 'logGroup' in record)
  );
}

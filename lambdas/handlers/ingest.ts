import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3ObjectCreatedNotificationEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lakeSources, lakeTables } from '../adapters/aws/deployed-sources.js';
import { AwsEnvironment, requireEnv } from '../adapters/aws/environment.js';
import { openLambdaEncoder } from '../adapters/aws/lambda-encoder.js';
import { RealtimeBatch } from '../core/detection/realtime.js';
import { type BatchReport, ingestObject } from '../core/lake/ingest.js';
import { type Clock, systemClock } from '../core/ports/clock.js';
import type { ObjectStore } from '../core/ports/object-store.js';
import type { ParquetEncoder } from '../core/ports/parquet-encoder.js';
import type { StateStore } from '../core/ports/state-store.js';
import type { SigmaEventRule } from '../core/rules/sigma-rule.js';
import { SOURCES } from '../core/sources/registry.js';
import type { SourceModule } from '../core/sources/types.js';
import { deployedRules } from './rules.js';

export interface IngestHandlerDeps {
  s3: S3Client;
  landingBucket: string;
  lake: ObjectStore;
  state: StateStore;
  encoder: () => Promise<ParquetEncoder>;
  /** Single-event Sigma rules evaluated on each batch as it is written. */
  realtimeRules: () => Promise<readonly SigmaEventRule[]>;
  clock: Clock;
  /**
   * Sources an object may be routed to, in order: the Lambda passes the built-in ones and then the
   * custom sources the stack deployed (`lakeSources`), as the local runtime orders them.
   * @default SOURCES (built-in only)
   */
  sources?: readonly SourceModule[];
}

/** What the handler did with one message: ingested it, or skipped it and why. */
export type IngestOutcome =
  | { messageId: string; key: string; ingested: BatchReport }
  | { messageId: string; key: string; skipped: string };

/** CloudTrail's digest files (hash chains for log file validation) carry no events. */
const SKIPPED_KEYS: { pattern: RegExp; reason: string }[] = [
  { pattern: /(^|\/)CloudTrail-Digest\//, reason: 'CloudTrail digest file (no events)' },
  { pattern: /\/$/, reason: 'folder marker (no content)' },
];

/** Thrown for a message that is not an S3 "Object Created" event for the landing bucket. */
export class IngestMessageError extends Error {
  override readonly name = 'IngestMessageError';
}

/**
 * SQS batch of EventBridge S3 "Object Created" events -> one ingest per object, streamed from the
 * landing bucket (the exact version that triggered the event). Messages are handled one at a time
 * and each failure is reported as a batch item failure, so SQS retries only those messages and
 * moves them to the dead-letter queue after the fifth receive: no object is silently dropped.
 */
export function createIngestHandler(deps: IngestHandlerDeps) {
  const handle = async (event: SQSEvent): Promise<SQSBatchResponse & { outcomes: IngestOutcome[] }> => {
    const failures: { itemIdentifier: string }[] = [];
    const outcomes: IngestOutcome[] = [];
    for (const record of event.Records) {
      try {
        const outcome = await ingestOne(deps, record);
        outcomes.push(outcome);
        console.log(JSON.stringify({ message: 'ingest', ...summary(outcome) }));
      } catch (err) {
        failures.push({ itemIdentifier: record.messageId });
        console.error(
          JSON.stringify({
            message: 'ingest failed',
            messageId: record.messageId,
            error: (err as Error).message,
          }),
        );
      }
    }
    return { batchItemFailures: failures, outcomes };
  };
  return handle;
}

async function ingestOne(deps: IngestHandlerDeps, record: SQSRecord): Promise<IngestOutcome> {
  const { bucket, key, versionId } = objectOf(record);
  if (bucket !== deps.landingBucket) {
    throw new IngestMessageError(
      `message ${record.messageId}: object is in bucket ${bucket}, not the landing bucket`,
    );
  }
  const skip = SKIPPED_KEYS.find((s) => s.pattern.test(key));
  if (skip) return { messageId: record.messageId, key, skipped: skip.reason };
  // Called twice by ingest (decode, then the raw copy): the version id pins both reads to one object.
  const open = async function* (): AsyncIterable<Uint8Array> {
    const out = await deps.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
    );
    if (!out.Body) return;
    yield* out.Body as AsyncIterable<Uint8Array>;
  };
  const ingested = await ingestObject(
    {
      store: deps.lake,
      state: deps.state,
      encoder: await deps.encoder(),
      clock: deps.clock,
      sources: deps.sources ?? SOURCES,
      realtime: new RealtimeBatch({
        state: deps.state,
        clock: deps.clock,
        rules: await deps.realtimeRules(),
      }),
    },
    { sourceObject: `s3://${bucket}/${key}`, open },
  );
  return { messageId: record.messageId, key, ingested };
}

/** The object an SQS message's EventBridge event names. EventBridge keys are not URL-encoded. */
function objectOf(record: SQSRecord): { bucket: string; key: string; versionId?: string } {
  let event: Partial<S3ObjectCreatedNotificationEvent>;
  try {
    event = JSON.parse(record.body) as Partial<S3ObjectCreatedNotificationEvent>;
  } catch {
    throw new IngestMessageError(`message ${record.messageId}: body is not JSON`);
  }
  if (event.source !== 'aws.s3' || event['detail-type'] !== 'Object Created') {
    throw new IngestMessageError(
      `message ${record.messageId}: expected an aws.s3 "Object Created" event, got ${String(event.source)} "${String(event['detail-type'])}"`,
    );
  }
  const bucket = event.detail?.bucket?.name;
  const key = event.detail?.object?.key;
  if (typeof bucket !== 'string' || typeof key !== 'string' || key === '') {
    throw new IngestMessageError(
      `message ${record.messageId}: event has no detail.bucket.name or detail.object.key`,
    );
  }
  const versionId = event.detail?.object?.['version-id'];
  return typeof versionId === 'string' && versionId !== '' ? { bucket, key, versionId } : { bucket, key };
}

function summary(outcome: IngestOutcome): Record<string, unknown> {
  if ('skipped' in outcome) return outcome;
  const { ingested: r } = outcome;
  return {
    messageId: outcome.messageId,
    key: outcome.key,
    source: r.source,
    records: r.records,
    written: r.written,
    quarantined: r.quarantined,
    tables: r.tables,
  };
}

let fromEnv: ReturnType<typeof createIngestHandler> | undefined;

/** The Lambda entry: adapters from the environment the stack sets, built once per container. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  if (!fromEnv) {
    const aws = new AwsEnvironment();
    let encoder: Promise<ParquetEncoder> | undefined;
    // Built-in and custom tables and sources, from the declarations the stack put in the environment.
    const tables = lakeTables().map((t) => t.name);
    const sources = lakeSources();
    fromEnv = createIngestHandler({
      s3: aws.s3(),
      landingBucket: requireEnv('LANDING_BUCKET'),
      lake: aws.lake(),
      state: aws.state(),
      // /tmp is the only writable folder in Lambda.
      encoder: () => {
        encoder ??= openLambdaEncoder().catch((err: unknown) => {
          encoder = undefined;
          throw err;
        });
        return encoder;
      },
      realtimeRules: async () => (await deployedRules(tables, 'athena')).sigma.events,
      clock: systemClock,
      sources,
    });
  }
  const { batchItemFailures } = await fromEnv(event);
  return { batchItemFailures };
};

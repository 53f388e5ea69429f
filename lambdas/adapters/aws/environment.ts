import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AthenaQueryEngine } from './athena-query-engine.js';
import { lakeTables } from './deployed-sources.js';
import { DynamoDbStateStore } from './dynamodb-state-store.js';
import { S3ObjectStore } from './s3-object-store.js';
import { SecretsManagerSecrets } from './secrets-manager.js';

/** A required setting the stack gives every function; its absence is a deployment error. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(
      `environment variable ${name} is not set; the Mantissa Log stack sets it (lib/mantissa-stack.ts)`,
    );
  }
  return value;
}

/**
 * The AWS side of a function, built from the environment the stack sets (lib/mantissa-stack.ts):
 * clients are created on first use and reused across invocations of one container.
 */
export class AwsEnvironment {
  private cache = new Map<string, unknown>();

  constructor(
    readonly env: NodeJS.ProcessEnv = process.env,
    private readonly limits: { queryTimeoutCapMs?: number } = {},
  ) {}

  private once<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  s3(): S3Client {
    return this.once('s3', () => new S3Client({}));
  }

  lake(): S3ObjectStore {
    return this.once(
      'lake',
      () => new S3ObjectStore({ client: this.s3(), bucket: requireEnv('LAKE_BUCKET', this.env) }),
    );
  }

  state(): DynamoDbStateStore {
    return this.once(
      'state',
      () =>
        new DynamoDbStateStore({
          client: new DynamoDBClient({}),
          table: requireEnv('STATE_TABLE', this.env),
        }),
    );
  }

  query(): AthenaQueryEngine {
    return this.once(
      'athena',
      () =>
        new AthenaQueryEngine({
          client: new AthenaClient({}),
          workgroup: requireEnv('ATHENA_WORKGROUP', this.env),
          database: requireEnv('GLUE_DATABASE', this.env),
          // Built-in and custom tables: custom ones may hold structs and lists too.
          tables: lakeTables(this.env),
          ...(this.limits.queryTimeoutCapMs ? { timeoutCapMs: this.limits.queryTimeoutCapMs } : {}),
        }),
    );
  }

  /** Destination credentials (SECRET_ARN): the alert router's alone. */
  secrets(): SecretsManagerSecrets {
    return this.once('secrets', () => this.secret('SECRET_ARN'));
  }

  /** Threat-intelligence API keys (ENRICHMENT_SECRET_ARN): the detection function's alone. */
  enrichmentSecrets(): SecretsManagerSecrets {
    return this.once('enrichment-secrets', () => this.secret('ENRICHMENT_SECRET_ARN'));
  }

  private secret(variable: string): SecretsManagerSecrets {
    return new SecretsManagerSecrets({
      client: this.once('secrets-client', () => new SecretsManagerClient({})),
      secretId: requireEnv(variable, this.env),
    });
  }
}

import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Secrets } from '../../core/ports/secrets.js';

export interface SecretsManagerSecretsOptions {
  client: SecretsManagerClient;
  /** ARN (or name) of the one secret that holds a JSON object keyed by secret name. */
  secretId: string;
  /** How long a fetched value is reused. @default 300_000 (5 minutes) */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Secrets from one Secrets Manager secret whose value is a JSON object keyed by name (the stack's
 * destination-credentials secret: `{"slack": {"webhookUrl": "..."}}`). `get(name)` returns the
 * field: text as it is, any other JSON value as JSON text. The secret is fetched at most once per
 * TTL (concurrent callers share the fetch), so a rotated credential is picked up within the TTL
 * without a call per alert. Values never appear in errors or logs; the secret's id does.
 */
export class SecretsManagerSecrets implements Secrets {
  private cached?: { at: number; fields: Promise<Record<string, unknown>> };
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: SecretsManagerSecretsOptions) {
    this.ttlMs = opts.ttlMs ?? 300_000;
    this.now = opts.now ?? Date.now;
  }

  async get(name: string): Promise<string | undefined> {
    const fields = await this.fields();
    if (!Object.hasOwn(fields, name)) return undefined;
    const value = fields[name];
    if (value === null || value === undefined) return undefined;
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  private fields(): Promise<Record<string, unknown>> {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= this.ttlMs) {
      const fields = this.fetch();
      this.cached = { at: now, fields };
      // A failed fetch is not cached: the next call tries again.
      fields.catch(() => {
        if (this.cached?.fields === fields) this.cached = undefined;
      });
    }
    return this.cached.fields;
  }

  private async fetch(): Promise<Record<string, unknown>> {
    let text: string | undefined;
    try {
      const out = await this.opts.client.send(new GetSecretValueCommand({ SecretId: this.opts.secretId }));
      text =
        out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : undefined);
    } catch (err) {
      const e = err as Error;
      throw new Error(`Secrets Manager: cannot read secret ${this.opts.secretId}: ${e.name}: ${e.message}`, {
        cause: err,
      });
    }
    if (text === undefined || text.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Never echo the value: it is a credential.
      throw new Error(
        `Secrets Manager: secret ${this.opts.secretId} is not a JSON object (it does not parse as JSON)`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`Secrets Manager: secret ${this.opts.secretId} must be a JSON object keyed by name`);
    }
    return parsed as Record<string, unknown>;
  }
}

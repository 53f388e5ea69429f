import { readFile, stat } from 'node:fs/promises';
import type { Secrets } from '../../core/ports/secrets.js';

/** `webhook-signing` is read from `MANTISSA_SECRET_WEBHOOK_SIGNING`. */
export function secretEnvName(name: string): string {
  return `MANTISSA_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export class InsecureSecretsFileError extends Error {
  override readonly name = 'InsecureSecretsFileError';
}

/**
 * Local secrets: the environment first (the name itself, as the LLM providers' keys are set, then
 * `MANTISSA_SECRET_<NAME>` for names that are not valid variable names), then `secrets.json` in the
 * data folder, a JSON object of name to value. The file is refused, not read, when its mode lets
 * group or others read or write it (it must be 0600 or stricter), like ssh refuses a loose key.
 * Read on every lookup, so an edited file takes effect without a restart.
 */
export class LocalSecrets implements Secrets {
  constructor(
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async get(name: string): Promise<string | undefined> {
    const fromEnv = this.env[name] || this.env[secretEnvName(name)];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const info = await stat(this.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!info) return undefined;
    if ((info.mode & 0o077) !== 0) {
      throw new InsecureSecretsFileError(
        `${this.file} has mode ${(info.mode & 0o777).toString(8)}; run chmod 600 on it (others must not read secrets)`,
      );
    }
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(this.file, 'utf8'));
    } catch {
      // The parser's message quotes file content, which is secret: say only where it failed.
      throw new Error(`${this.file} is not valid JSON`);
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new Error(`${this.file} must hold a JSON object of secret names to values`);
    }
    const value = (doc as Record<string, unknown>)[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }
}

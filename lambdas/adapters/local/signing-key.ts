import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { createJwtVerifier, type Role, type TokenVerifier } from '../../api/auth.js';

export const LOCAL_ISSUER = 'mantissa-local';
export const LOCAL_AUDIENCE = 'mantissa-api';
const ALG = 'ES256';

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * The local instance's token signing key: an ES256 key pair created on first start under the
 * data folder (mode 0600). Tokens it signs are verified by the same code that checks Cognito's.
 */
export class LocalSigningKey {
  private constructor(private readonly key: StoredKey) {}

  static async loadOrCreate(file: string): Promise<LocalSigningKey> {
    try {
      return new LocalSigningKey(JSON.parse(await readFile(file, 'utf8')) as StoredKey);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    const kid = `local-${Date.now().toString(36)}`;
    const stored: StoredKey = {
      kid,
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALG },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' },
    };
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    try {
      // 'wx': if another process created the key a moment ago, use theirs.
      await writeFile(file, JSON.stringify(stored), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return LocalSigningKey.loadOrCreate(file);
      throw err;
    }
    await chmod(file, 0o600);
    return new LocalSigningKey(stored);
  }

  async issue(opts: { role: Role; subject?: string; ttlSeconds?: number }): Promise<string> {
    const key = await importJWK(this.key.privateJwk, ALG);
    return new SignJWT({ 'cognito:groups': [opts.role] })
      .setProtectedHeader({ alg: ALG, kid: this.key.kid, typ: 'JWT' })
      .setSubject(opts.subject ?? `local-${opts.role}`)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${opts.ttlSeconds ?? 12 * 3600}s`)
      .sign(key);
  }

  verifier(): TokenVerifier {
    return createJwtVerifier({
      keys: createLocalJWKSet({ keys: [this.key.publicJwk] }),
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
    });
  }
}

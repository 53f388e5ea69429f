import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

export const ROLES = ['admin', 'analyst', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  subject: string;
  roles: Role[];
}

export interface TokenVerifier {
  /** The token's principal; throws AuthError when the token is not acceptable. */
  verify(token: string): Promise<Principal>;
}

export class AuthError extends Error {
  override readonly name = 'AuthError';
}

export interface JwtVerifierOptions {
  /** The keys tokens are signed with: Cognito's JWKS on AWS, the local signing key locally. */
  keys: JWTVerifyGetKey;
  issuer: string;
  /** Accepted in `aud` (ID tokens, local tokens) or `client_id` (Cognito access tokens). */
  audience: string;
}

/**
 * One verification path for both runtimes: signature against the issuer's keys, expiry, issuer
 * and audience, and roles from the `cognito:groups` claim (local tokens carry the same claim).
 */
export function createJwtVerifier(opts: JwtVerifierOptions): TokenVerifier {
  return {
    async verify(token: string): Promise<Principal> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, opts.keys, {
          issuer: opts.issuer,
          algorithms: ['ES256', 'RS256'],
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new AuthError('token expired');
        if (err instanceof errors.JWTClaimValidationFailed)
          throw new AuthError(`token rejected: ${err.message}`);
        throw new AuthError('invalid token');
      }
      const audiences = [payload.aud ?? []].flat();
      if (!audiences.includes(opts.audience) && payload.client_id !== opts.audience) {
        throw new AuthError('token rejected: wrong audience');
      }
      const groups = payload['cognito:groups'];
      const roles = (Array.isArray(groups) ? groups : []).filter((g): g is Role => ROLES.includes(g as Role));
      return { subject: String(payload.sub), roles };
    },
  };
}

/** Whether a principal may do something that needs one of `allowed`. */
export function hasRole(principal: Principal, allowed: readonly Role[]): boolean {
  return principal.roles.some((r) => allowed.includes(r));
}

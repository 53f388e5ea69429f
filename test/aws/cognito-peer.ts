import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const POOL_ID = 'us-east-1_Ab12Cd34E';
export const CLIENT_ID = '4k1f2example0client0id0abc';
export const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;

/**
 * A user pool's token side: an RS256 key published as a JWKS over HTTP on 127.0.0.1 (as Cognito
 * publishes it at /.well-known/jwks.json) and ID tokens shaped like Cognito's (token_use id,
 * aud = the app client, cognito:groups, cognito:username).
 */
export async function startCognitoKeys() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  let requests = 0;
  const server = createServer((req, res) => {
    if (req.url !== `/${POOL_ID}/.well-known/jwks.json`) {
      res.writeHead(404).end();
      return;
    }
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const jwks = new URL(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/${POOL_ID}/.well-known/jwks.json`,
  );
  return {
    jwks,
    requests: () => requests,
    idToken(groups: string[], opts: { audience?: string; expiresIn?: string } = {}) {
      return new SignJWT({
        'cognito:groups': groups,
        'cognito:username': 'analyst@example.com',
        email: 'analyst@example.com',
        token_use: 'id',
        auth_time: Math.floor(Date.now() / 1000),
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key-1' })
        .setSubject('8f6b1c2e-1111-4a2b-9c3d-0123456789ab')
        .setIssuer(ISSUER)
        .setAudience(opts.audience ?? CLIENT_ID)
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? '1h')
        .sign(privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

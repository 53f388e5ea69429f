import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signedJsonHeaders, totp } from '../../scripts/smoke.js';

/** SHA-256 as the SDK's signer wants it (the constructor with a secret makes an HMAC). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key =
      secret === undefined || typeof secret === 'string'
        ? secret
        : ArrayBuffer.isView(secret)
          ? Buffer.from(secret.buffer as ArrayBuffer, secret.byteOffset, secret.byteLength)
          : Buffer.from(secret);
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    if (typeof data === 'string') this.hash.update(data);
    else if (ArrayBuffer.isView(data))
      this.hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    else this.hash.update(new Uint8Array(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

describe('scripts/smoke.ts helpers', () => {
  it('computes RFC 6238 TOTP codes (the RFC test vectors, SHA-1, cut to 6 digits)', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of "12345678901234567890"
    expect(totp(secret, 59_000)).toBe('287082');
    expect(totp(secret, 1_111_111_109_000)).toBe('081804');
    expect(totp(secret, 2_000_000_000_000)).toBe('279037');
    expect(() => totp('not base32!')).toThrow('MANTISSA_SMOKE_TOTP_SECRET is not base32');
  });

  it('signs a Cognito admin call exactly as the AWS SDK signer does', async () => {
    const credentials = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      sessionToken: 'session',
    };
    const body = JSON.stringify({ UserPoolId: 'us-east-1_Ab12Cd34E', AuthFlow: 'ADMIN_USER_PASSWORD_AUTH' });
    const now = new Date('2026-11-21T12:34:56Z');
    const mine = signedJsonHeaders({
      host: 'cognito-idp.us-east-1.amazonaws.com',
      region: 'us-east-1',
      service: 'cognito-idp',
      target: 'AWSCognitoIdentityProviderService.AdminInitiateAuth',
      body,
      credentials,
      now,
    });
    const sdk = await new SignatureV4({
      credentials,
      region: 'us-east-1',
      service: 'cognito-idp',
      sha256: Sha256,
      applyChecksum: false,
    }).sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'cognito-idp.us-east-1.amazonaws.com',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          host: 'cognito-idp.us-east-1.amazonaws.com',
          'x-amz-target': 'AWSCognitoIdentityProviderService.AdminInitiateAuth',
        },
        body,
      },
      { signingDate: now },
    );
    // The SDK adds x-amz-content-sha256 unless told not to; both forms are valid SigV4.
    expect(mine.authorization).toBe(sdk.headers.authorization);
    expect(mine['x-amz-date']).toBe('20261121T123456Z');
  });
});

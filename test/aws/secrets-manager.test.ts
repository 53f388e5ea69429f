import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerSecrets } from '../../lambdas/adapters/aws/secrets-manager.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:mantissa-destinations-AbCdEf';

/**
 * Secrets Manager's GetSecretValue as the SDK speaks it (JSON 1.1 over POST, X-Amz-Target, SigV4),
 * checking each of those, with one secret whose value the test sets.
 */
function secretsPeer() {
  const state = { value: '{}' as string | undefined, calls: 0, failures: [] as string[] };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const reply = (status: number, doc: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(doc));
      };
      const problems = [
        req.method !== 'POST' && `method ${req.method}`,
        req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' &&
          `target ${req.headers['x-amz-target']}`,
        req.headers['content-type'] !== 'application/x-amz-json-1.1' &&
          `content-type ${req.headers['content-type']}`,
        !String(req.headers.authorization).startsWith('AWS4-HMAC-SHA256 Credential=AKIDTEST/') && 'unsigned',
      ].filter(Boolean) as string[];
      if (problems.length) {
        state.failures.push(...problems);
        return reply(400, { __type: 'InvalidRequestException', message: problems.join(', ') });
      }
      state.calls++;
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      if (SecretId !== ARN || state.value === undefined) {
        return reply(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      }
      reply(200, {
        ARN,
        Name: 'mantissa-destinations',
        VersionId: 'v1',
        SecretString: state.value,
        CreatedDate: 1.7e9,
      });
    });
  });
  return { server, state };
}

describe('SecretsManagerSecrets against a local GetSecretValue peer', () => {
  const { server, state } = secretsPeer();
  let client: SecretsManagerClient;
  let now = 0;
  const open = () => new SecretsManagerSecrets({ client, secretId: ARN, ttlMs: 1000, now: () => now });

  beforeAll(async () => {
    await new Promise<void>((resolve) => (server as Server).listen(0, '127.0.0.1', resolve));
    client = new SecretsManagerClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    state.calls = 0;
    now = 0;
  });

  it('returns fields of the JSON secret: text as is, objects as JSON, absent as undefined', async () => {
    state.value = JSON.stringify({
      pagerduty: 'R0UTINGKEY',
      slack: { webhookUrl: 'https://hooks.slack.test/T/B/x' },
    });
    const secrets = open();
    expect(await secrets.get('pagerduty')).toBe('R0UTINGKEY');
    expect(await secrets.get('slack')).toBe('{"webhookUrl":"https://hooks.slack.test/T/B/x"}');
    expect(await secrets.get('jira')).toBeUndefined();
    expect(await secrets.get('toString')).toBeUndefined();
    expect(state.calls).toBe(1);
    expect(state.failures).toEqual([]);
  });

  it('fetches once per TTL, shared by concurrent callers, and sees a rotated value after it', async () => {
    state.value = JSON.stringify({ pagerduty: 'old' });
    const secrets = open();
    expect(await Promise.all([secrets.get('pagerduty'), secrets.get('pagerduty')])).toEqual(['old', 'old']);
    state.value = JSON.stringify({ pagerduty: 'new' });
    now = 999;
    expect(await secrets.get('pagerduty')).toBe('old');
    now = 1000;
    expect(await secrets.get('pagerduty')).toBe('new');
    expect(state.calls).toBe(2);
  });

  it('names the secret, never its value, when it is missing or not a JSON object, and retries after a failure', async () => {
    state.value = undefined;
    const secrets = open();
    await expect(secrets.get('x')).rejects.toThrow(
      `Secrets Manager: cannot read secret ${ARN}: ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
    );
    state.value = 'hunter2-not-json';
    const error = (await secrets.get('x').catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      `Secrets Manager: secret ${ARN} is not a JSON object (it does not parse as JSON)`,
    );
    expect(error.message).not.toContain('hunter2');
    state.value = '["a"]';
    now = 5000;
    await expect(open().get('x')).rejects.toThrow(
      `Secrets Manager: secret ${ARN} must be a JSON object keyed by name`,
    );
  });
});

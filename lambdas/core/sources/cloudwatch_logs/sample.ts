/**
 * CloudWatch Logs sample: a payments API (API Gateway access logs and its Lambda's JSON logs)
 * delivered by a subscription filter through Firehose to S3, as Firehose writes it: one gzip
 * object per five minutes of traffic holding concatenated gzip DATA_MESSAGE payloads, with the
 * CONTROL_MESSAGE CloudWatch sends when the subscription is created. Attack scenarios: credential
 * stuffing against /login from the scanner's address (bursts of 401s, then a 200), SQL injection
 * probes, and the Lambda printing its environment (secrets in logs).
 */
import { gzipSync } from 'node:zlib';
import { ACCOUNTS } from '../cloudtrail/sample/accounts.js';
import { compactTime, datePath, SampleRandom } from '../sample-random.js';
import type { SampleFile, SampleOptions } from '../types.js';
import { VPC_ACTORS } from '../vpcflow/sample.js';

const HOUR = 3_600_000;
const ACCESS_GROUP = 'API-Gateway-Execution-Logs_k3j9x2m1aa/prod';
const LAMBDA_GROUP = '/aws/lambda/payments-api';
const CLIENTS = ['198.51.100.14', '192.0.2.77', '203.0.113.201', '81.2.69.160'];
const PATHS = ['/v1/payments', '/v1/payments/{id}', '/v1/customers/{id}', '/v1/health'];

interface LogEvent {
  timestamp: number;
  message: string;
}

function access(
  rng: SampleRandom,
  at: number,
  ip: string,
  method: string,
  path: string,
  status: number,
): LogEvent {
  return {
    timestamp: at,
    message: JSON.stringify({
      requestId: rng.uuid(),
      ip,
      requestTime: new Date(at).toISOString(),
      httpMethod: method,
      resourcePath: path,
      status,
      protocol: 'HTTP/1.1',
      responseLength: rng.int(80, 4000),
    }),
  };
}

function lambda(
  rng: SampleRandom,
  at: number,
  level: string,
  msg: string,
  extra: Record<string, unknown> = {},
): LogEvent {
  return {
    timestamp: at,
    message: JSON.stringify({
      timestamp: new Date(at).toISOString(),
      level,
      requestId: rng.uuid(),
      message: msg,
      ...extra,
    }),
  };
}

function message(
  rng: SampleRandom,
  group: string,
  stream: string,
  events: LogEvent[],
): Record<string, unknown> {
  return {
    messageType: 'DATA_MESSAGE',
    owner: ACCOUNTS.prod.id,
    logGroup: group,
    logStream: stream,
    subscriptionFilters: ['mantissa-log'],
    logEvents: events.map((e) => ({
      id: `${e.timestamp}${rng.int(10 ** 8, 10 ** 9 - 1)}${rng.int(10 ** 8, 10 ** 9 - 1)}`,
      ...e,
    })),
  };
}

export function cloudwatchLogsSampleFiles(opts: SampleOptions): SampleFile[] {
  const rng = new SampleRandom(opts.seed, 'cloudwatch_logs');
  const endHour = Math.floor(opts.end.getTime() / HOUR) * HOUR;
  const files: SampleFile[] = [];
  const start = endHour - opts.days * 24 * HOUR;
  for (let h = opts.days * 24; h >= 1; h--) {
    const hourStart = endHour - h * HOUR;
    const payloads: Record<string, unknown>[] = [];
    if (hourStart === start) {
      payloads.push({
        messageType: 'CONTROL_MESSAGE',
        owner: 'CloudwatchLogs',
        logGroup: '',
        logStream: '',
        subscriptionFilters: [],
        logEvents: [
          {
            id: '',
            timestamp: hourStart,
            message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.',
          },
        ],
      });
    }
    const accessEvents: LogEvent[] = [];
    const lambdaEvents: LogEvent[] = [];
    for (let i = rng.int(15, 40); i > 0; i--) {
      const at = hourStart + rng.int(0, HOUR - 1);
      const path = rng.pick(PATHS);
      accessEvents.push(
        access(
          rng,
          at,
          rng.pick(CLIENTS),
          path === '/v1/payments' ? 'POST' : 'GET',
          path,
          rng.next() < 0.03 ? 500 : 200,
        ),
      );
      lambdaEvents.push(
        lambda(rng, at + 5, 'INFO', 'request handled', { path, durationMs: rng.int(12, 900) }),
      );
    }
    if (h === 22) {
      // Credential stuffing: 80 failed logins in four minutes from one address, then one success.
      for (let i = 0; i < 80; i++)
        accessEvents.push(
          access(rng, hourStart + 600_000 + i * 3_000, VPC_ACTORS.scanner, 'POST', '/v1/login', 401),
        );
      accessEvents.push(access(rng, hourStart + 850_000, VPC_ACTORS.scanner, 'POST', '/v1/login', 200));
    }
    if (h === 21) {
      for (const probe of [
        "' OR 1=1--",
        '1; DROP TABLE customers',
        "' UNION SELECT card_number FROM cards--",
      ]) {
        const at = hourStart + rng.int(0, HOUR - 1);
        accessEvents.push(
          access(rng, at, VPC_ACTORS.scanner, 'GET', `/v1/customers/${encodeURIComponent(probe)}`, 400),
        );
        lambdaEvents.push(lambda(rng, at + 3, 'ERROR', 'invalid customer id', { input: probe }));
      }
    }
    if (h === 9) {
      lambdaEvents.push(
        lambda(rng, hourStart + 1_000_000, 'DEBUG', 'environment dump', {
          env: {
            AWS_REGION: 'us-east-1',
            DB_PASSWORD: 'hunter2-prod',
            STRIPE_KEY: 'sk_live_51Hxxxxxxxxxxxxxxxx',
          },
        }),
      );
    }
    accessEvents.sort((a, b) => a.timestamp - b.timestamp);
    lambdaEvents.sort((a, b) => a.timestamp - b.timestamp);
    const stream = `${new Date(hourStart).toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${rng.hex(32)}`;
    payloads.push(
      message(rng, ACCESS_GROUP, rng.hex(32), accessEvents),
      message(rng, LAMBDA_GROUP, stream, lambdaEvents),
    );
    // Firehose writes each record's bytes (gzip already) back to back: concatenated gzip members.
    const closes = new Date(hourStart + HOUR - 1000);
    files.push({
      path: `${datePath(closes)}/${closes.toISOString().slice(11, 13)}/mantissa-cwl-1-${compactTime(closes)}-${rng.uuid()}.gz`,
      body: Buffer.concat(payloads.map((p) => gzipSync(JSON.stringify(p)))),
    });
  }
  return files;
}

/**
 * GuardDuty sample: the findings GuardDuty would raise on the VPC and CloudTrail samples' attacks
 * (SSH brute force, port probe, Tor egress, crypto mining, root credential use) among routine
 * low-severity port probes, exported to S3 as GuardDuty writes it (JSON lines, gzip, one object
 * per export window) and a few as the EventBridge events a rule forwards.
 */
import { gzipSync } from 'node:zlib';
import { ACCOUNTS } from '../cloudtrail/sample/accounts.js';
import { datePath, SampleRandom } from '../sample-random.js';
import type { SampleFile, SampleOptions } from '../types.js';
import { VPC_ACTORS } from '../vpcflow/sample.js';

const HOUR = 3_600_000;
const DETECTOR = '6ac4c1f2b0e9d8a7f6e5d4c3b2a19087';

interface Scenario {
  hoursBeforeEnd: number;
  account: string;
  region: string;
  type: string;
  severity: number;
  title: string;
  resource: Record<string, unknown>;
  action: Record<string, unknown>;
  count: number;
}

function instance(id: string, ip: string): Record<string, unknown> {
  return {
    resourceType: 'Instance',
    instanceDetails: {
      instanceId: id,
      instanceType: 't3.medium',
      instanceState: 'running',
      availabilityZone: 'us-east-1a',
      networkInterfaces: [
        { privateIpAddress: ip, subnetId: 'subnet-0aa11bb22cc33dd44', vpcId: 'vpc-0c4f1e2d3b5a69788' },
      ],
      tags: [{ key: 'Name', value: 'web-1' }],
    },
  };
}

function scenarios(): Scenario[] {
  const web = instance('i-0f1e2d3c4b5a69781', VPC_ACTORS.webServer);
  const remote = (ip: string, country: string) => ({
    ipAddressV4: ip,
    country: { countryName: country },
    organization: { asnOrg: 'Hosting' },
  });
  return [
    {
      hoursBeforeEnd: 30,
      account: ACCOUNTS.prod.id,
      region: 'us-east-1',
      type: 'UnauthorizedAccess:EC2/SSHBruteForce',
      severity: 5,
      title: `${VPC_ACTORS.sshBruteForcer} is performing SSH brute force attacks against i-0f1e2d3c4b5a69781.`,
      resource: web,
      action: {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: 'INBOUND',
          protocol: 'TCP',
          localPortDetails: { port: 22, portName: 'SSH' },
          remoteIpDetails: remote(VPC_ACTORS.sshBruteForcer, 'Netherlands'),
          blocked: false,
        },
      },
      count: 61,
    },
    {
      hoursBeforeEnd: 20,
      account: ACCOUNTS.prod.id,
      region: 'us-east-1',
      type: 'Recon:EC2/Portscan',
      severity: 5,
      title: 'i-0f1e2d3c4b5a69781 is being port scanned.',
      resource: web,
      action: {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: 'INBOUND',
          protocol: 'TCP',
          remoteIpDetails: remote(VPC_ACTORS.scanner, 'Romania'),
          blocked: false,
        },
      },
      count: 200,
    },
    {
      hoursBeforeEnd: 10,
      account: ACCOUNTS.prod.id,
      region: 'us-east-1',
      type: 'UnauthorizedAccess:EC2/TorClient',
      severity: 8,
      title: 'EC2 instance i-0f1e2d3c4b5a69784 is communicating with Tor entry nodes.',
      resource: instance('i-0f1e2d3c4b5a69784', VPC_ACTORS.exfilHost),
      action: {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: 'OUTBOUND',
          protocol: 'TCP',
          remotePortDetails: { port: 443, portName: 'HTTPS' },
          remoteIpDetails: remote(VPC_ACTORS.torExit, 'Germany'),
          blocked: false,
        },
      },
      count: 1,
    },
    {
      hoursBeforeEnd: 6,
      account: ACCOUNTS.dev.id,
      region: 'eu-west-1',
      type: 'CryptoCurrency:EC2/BitcoinTool.B',
      severity: 8,
      title: 'EC2 instance i-0a2b3c4d5e6f70811 is communicating with a cryptocurrency mining pool.',
      resource: instance('i-0a2b3c4d5e6f70811', VPC_ACTORS.minerHost),
      action: {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: 'OUTBOUND',
          protocol: 'TCP',
          remotePortDetails: { port: 3333, portName: 'Unknown' },
          remoteIpDetails: remote(VPC_ACTORS.miningPool, 'Seychelles'),
          blocked: false,
        },
      },
      count: 6,
    },
    {
      hoursBeforeEnd: 4,
      account: ACCOUNTS.management.id,
      region: 'us-east-1',
      type: 'Policy:IAMUser/RootCredentialUsage',
      severity: 2,
      title: 'API ListBuckets was invoked using root credentials.',
      resource: {
        resourceType: 'AccessKey',
        accessKeyDetails: { principalId: ACCOUNTS.management.id, userName: 'Root', userType: 'Root' },
      },
      action: {
        actionType: 'AWS_API_CALL',
        awsApiCallAction: {
          api: 'ListBuckets',
          serviceName: 's3.amazonaws.com',
          callerType: 'Remote IP',
          remoteIpDetails: remote('198.51.100.77', 'Romania'),
        },
      },
      count: 3,
    },
  ];
}

function finding(rng: SampleRandom, s: Scenario, at: number): Record<string, unknown> {
  const id = rng.hex(32);
  const time = new Date(at).toISOString();
  return {
    schemaVersion: '2.0',
    accountId: s.account,
    region: s.region,
    partition: 'aws',
    id,
    arn: `arn:aws:guardduty:${s.region}:${s.account}:detector/${DETECTOR}/finding/${id}`,
    type: s.type,
    resource: s.resource,
    service: {
      serviceName: 'guardduty',
      detectorId: DETECTOR,
      action: s.action,
      resourceRole: 'TARGET',
      additionalInfo: { value: '{}', type: 'default' },
      eventFirstSeen: new Date(at - 3_000_000).toISOString(),
      eventLastSeen: time,
      archived: false,
      count: s.count,
    },
    severity: s.severity,
    createdAt: time,
    updatedAt: time,
    title: s.title,
    description: s.title,
  };
}

export function guarddutySampleFiles(opts: SampleOptions): SampleFile[] {
  const rng = new SampleRandom(opts.seed, 'guardduty');
  const endHour = Math.floor(opts.end.getTime() / HOUR) * HOUR;
  const byWindow = new Map<number, Record<string, unknown>[]>();
  const add = (at: number, f: Record<string, unknown>) => {
    // GuardDuty exports every 6 hours by default.
    const window = Math.floor(at / (6 * HOUR)) * 6 * HOUR;
    byWindow.set(window, [...(byWindow.get(window) ?? []), f]);
  };
  for (let h = opts.days * 24; h >= 1; h -= rng.int(3, 9)) {
    // Routine: the internet probing an unprotected port, low severity.
    const s: Scenario = {
      ...(scenarios()[1] as Scenario),
      hoursBeforeEnd: h,
      type: 'Recon:EC2/PortProbeUnprotectedPort',
      severity: 2,
      title: 'Unprotected port on EC2 instance i-0f1e2d3c4b5a69782 is being probed.',
      count: rng.int(1, 40),
    };
    add(
      endHour - h * HOUR + rng.int(0, HOUR - 1),
      finding(rng, s, endHour - h * HOUR + rng.int(0, HOUR - 1)),
    );
  }
  const events: Record<string, unknown>[] = [];
  for (const s of scenarios()) {
    if (s.hoursBeforeEnd > opts.days * 24) continue;
    const at = endHour - s.hoursBeforeEnd * HOUR + 3_300_000;
    const f = finding(rng, s, at);
    // High-severity findings reach us through an EventBridge rule; the rest through the S3 export.
    if (s.severity < 7) add(at, f);
    else {
      events.push({
        version: '0',
        id: rng.uuid(),
        'detail-type': 'GuardDuty Finding',
        source: 'aws.guardduty',
        account: s.account,
        time: new Date(at).toISOString(),
        region: s.region,
        resources: [],
        detail: f,
      });
    }
  }
  const files: SampleFile[] = [];
  for (const [window, findings] of [...byWindow.entries()].sort((a, b) => a[0] - b[0])) {
    const account = ACCOUNTS.prod.id;
    files.push({
      path: `AWSLogs/${account}/GuardDuty/us-east-1/${datePath(new Date(window))}/${rng.uuid()}.jsonl.gz`,
      body: gzipSync(`${findings.map((f) => JSON.stringify(f)).join('\n')}\n`),
    });
  }
  if (events.length > 0) {
    files.push({
      path: 'eventbridge/guardduty-findings.ndjson',
      body: Buffer.from(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`),
    });
  }
  return files;
}

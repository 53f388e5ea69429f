/**
 * VPC Flow Logs sample: two flow logs as AWS delivers them to S3 (gzip text, header line first),
 * one in the default v2 format (prod) and one in a custom v5 format (dev), one file per flow log
 * and hour. Benign traffic (web clients, app to database, DNS, S3 through the gateway, idle
 * interfaces with NODATA) with attacks mixed in: SSH brute force, a port scan, a large egress to a
 * Tor exit node, crypto-mining traffic to a stratum port, and a SKIPDATA window.
 */
import { gzipSync } from 'node:zlib';
import { ACCOUNTS } from '../cloudtrail/sample/accounts.js';
import { compactTime, datePath, SampleRandom } from '../sample-random.js';
import type { SampleFile, SampleOptions } from '../types.js';

const HOUR = 3_600_000;
const V2 =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const V5 =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path';

/** The addresses of the story: attackers are in documentation ranges or known-bad hosting. */
export const VPC_ACTORS = {
  sshBruteForcer: '203.0.113.50',
  scanner: '198.51.100.77',
  torExit: '185.220.101.34',
  miningPool: '45.9.148.3',
  webServer: '10.20.1.12',
  exfilHost: '10.20.2.40',
  minerHost: '10.30.3.15',
} as const;

interface Flow {
  eni: string;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto: number;
  packets: number;
  bytes: number;
  start: number;
  action: 'ACCEPT' | 'REJECT';
  status?: 'OK' | 'NODATA' | 'SKIPDATA';
  flags?: number;
  direction?: 'ingress' | 'egress';
  dstService?: string;
}

interface FlowLog {
  id: string;
  account: string;
  region: string;
  vpc: string;
  format: 'v2' | 'v5';
  enis: readonly { eni: string; ip: string; subnet: string; instance: string }[];
}

const PROD: FlowLog = {
  id: 'fl-0a1b2c3d4e5f60718',
  account: ACCOUNTS.prod.id,
  region: 'us-east-1',
  vpc: 'vpc-0c4f1e2d3b5a69788',
  format: 'v2',
  enis: [
    {
      eni: 'eni-0d1e2f3a4b5c60711',
      ip: VPC_ACTORS.webServer,
      subnet: 'subnet-0aa11bb22cc33dd44',
      instance: 'i-0f1e2d3c4b5a69781',
    },
    {
      eni: 'eni-0d1e2f3a4b5c60722',
      ip: '10.20.1.13',
      subnet: 'subnet-0aa11bb22cc33dd44',
      instance: 'i-0f1e2d3c4b5a69782',
    },
    {
      eni: 'eni-0d1e2f3a4b5c60733',
      ip: '10.20.2.21',
      subnet: 'subnet-0bb22cc33dd44ee55',
      instance: 'i-0f1e2d3c4b5a69783',
    },
    {
      eni: 'eni-0d1e2f3a4b5c60744',
      ip: VPC_ACTORS.exfilHost,
      subnet: 'subnet-0bb22cc33dd44ee55',
      instance: 'i-0f1e2d3c4b5a69784',
    },
  ],
};

const DEV: FlowLog = {
  id: 'fl-0b2c3d4e5f6071829',
  account: ACCOUNTS.dev.id,
  region: 'eu-west-1',
  vpc: 'vpc-0d5e2f3a4c6b7a899',
  format: 'v5',
  enis: [
    {
      eni: 'eni-0e2f3a4b5c6d70811',
      ip: VPC_ACTORS.minerHost,
      subnet: 'subnet-0cc33dd44ee55ff66',
      instance: 'i-0a2b3c4d5e6f70811',
    },
    {
      eni: 'eni-0e2f3a4b5c6d70822',
      ip: '10.30.3.16',
      subnet: 'subnet-0cc33dd44ee55ff66',
      instance: 'i-0a2b3c4d5e6f70822',
    },
  ],
};

const CLIENTS = ['198.51.100.14', '192.0.2.77', '203.0.113.201', '100.64.12.9', '172.58.10.4', '81.2.69.160'];

function benign(rng: SampleRandom, log: FlowLog, hourStart: number): Flow[] {
  const flows: Flow[] = [];
  const [web, web2, db, app] = log.enis;
  for (const eni of log.enis) {
    // An interface with no traffic in a window reports NODATA.
    if (rng.next() < 0.08) {
      flows.push({
        eni: eni.eni,
        src: '',
        dst: '',
        sport: 0,
        dport: 0,
        proto: 0,
        packets: 0,
        bytes: 0,
        start: hourStart + rng.int(0, 3_000_000),
        action: 'ACCEPT',
        status: 'NODATA',
      });
      continue;
    }
    for (let i = rng.int(3, 8); i > 0; i--) {
      const start = hourStart + rng.int(0, HOUR - 120_000);
      const kind = rng.int(0, 3);
      if (kind === 0 && eni === web) {
        const client = rng.pick(CLIENTS);
        flows.push({
          eni: eni.eni,
          src: client,
          dst: eni.ip,
          sport: rng.int(32768, 60999),
          dport: 443,
          proto: 6,
          packets: rng.int(8, 60),
          bytes: rng.int(4_000, 90_000),
          start,
          action: 'ACCEPT',
          flags: 19,
          direction: 'ingress',
        });
      } else if (kind === 1 && db && eni !== db) {
        flows.push({
          eni: eni.eni,
          src: eni.ip,
          dst: db.ip,
          sport: rng.int(32768, 60999),
          dport: 5432,
          proto: 6,
          packets: rng.int(10, 400),
          bytes: rng.int(2_000, 800_000),
          start,
          action: 'ACCEPT',
          flags: 3,
          direction: 'egress',
        });
      } else if (kind === 2) {
        const dns = `${eni.ip.split('.').slice(0, 2).join('.')}.0.2`;
        flows.push({
          eni: eni.eni,
          src: eni.ip,
          dst: dns,
          sport: rng.int(32768, 60999),
          dport: 53,
          proto: 17,
          packets: rng.int(1, 6),
          bytes: rng.int(70, 600),
          start,
          action: 'ACCEPT',
          direction: 'egress',
        });
      } else {
        flows.push({
          eni: eni.eni,
          src: eni.ip,
          dst: `52.216.${rng.int(0, 255)}.${rng.int(1, 254)}`,
          sport: rng.int(32768, 60999),
          dport: 443,
          proto: 6,
          packets: rng.int(20, 3_000),
          bytes: rng.int(10_000, 4_000_000),
          start,
          action: 'ACCEPT',
          flags: 3,
          direction: 'egress',
          dstService: 'S3',
        });
      }
    }
  }
  if (web2 && app && rng.next() < 0.3) {
    // Internet background noise against a closed port.
    flows.push({
      eni: web2.eni,
      src: `45.${rng.int(1, 250)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      dst: web2.ip,
      sport: rng.int(1024, 65535),
      dport: rng.pick([23, 445, 3389]),
      proto: 6,
      packets: 1,
      bytes: 40,
      start: hourStart + rng.int(0, HOUR - 60_000),
      action: 'REJECT',
      flags: 2,
      direction: 'ingress',
    });
  }
  return flows;
}

function attacks(rng: SampleRandom, log: FlowLog, hourStart: number, hoursBeforeEnd: number): Flow[] {
  const flows: Flow[] = [];
  const first = log.enis[0];
  if (!first) return flows;
  if (log === PROD && hoursBeforeEnd === 30) {
    // SSH brute force: 60 rejected attempts, then one accepted session that stays up.
    for (let i = 0; i < 60; i++) {
      flows.push({
        eni: first.eni,
        src: VPC_ACTORS.sshBruteForcer,
        dst: first.ip,
        sport: rng.int(40000, 60000),
        dport: 22,
        proto: 6,
        packets: rng.int(2, 4),
        bytes: rng.int(120, 240),
        start: hourStart + i * 40_000,
        action: 'REJECT',
        flags: 2,
        direction: 'ingress',
      });
    }
    flows.push({
      eni: first.eni,
      src: VPC_ACTORS.sshBruteForcer,
      dst: first.ip,
      sport: 51234,
      dport: 22,
      proto: 6,
      packets: 4_210,
      bytes: 1_822_000,
      start: hourStart + 2_450_000,
      action: 'ACCEPT',
      flags: 27,
      direction: 'ingress',
    });
  }
  if (log === PROD && hoursBeforeEnd === 20) {
    // A port scan of one host: 200 ports in ten minutes, all refused.
    for (let port = 1; port <= 200; port++) {
      flows.push({
        eni: first.eni,
        src: VPC_ACTORS.scanner,
        dst: first.ip,
        sport: 61000,
        dport: port,
        proto: 6,
        packets: 1,
        bytes: 44,
        start: hourStart + 600_000 + port * 3_000,
        action: 'REJECT',
        flags: 2,
        direction: 'ingress',
      });
    }
  }
  if (log === PROD && hoursBeforeEnd === 10) {
    const host = log.enis[3];
    if (host)
      flows.push({
        eni: host.eni,
        src: host.ip,
        dst: VPC_ACTORS.torExit,
        sport: 49822,
        dport: 443,
        proto: 6,
        packets: 1_480_000,
        bytes: 2_147_000_000,
        start: hourStart + 900_000,
        action: 'ACCEPT',
        flags: 19,
        direction: 'egress',
      });
  }
  if (log === PROD && hoursBeforeEnd === 14) {
    flows.push({
      eni: first.eni,
      src: '',
      dst: '',
      sport: 0,
      dport: 0,
      proto: 0,
      packets: 0,
      bytes: 0,
      start: hourStart + 1_200_000,
      action: 'ACCEPT',
      status: 'SKIPDATA',
    });
  }
  if (log === DEV && hoursBeforeEnd <= 8) {
    for (let i = 0; i < 6; i++) {
      flows.push({
        eni: first.eni,
        src: first.ip,
        dst: VPC_ACTORS.miningPool,
        sport: 50110,
        dport: 3333,
        proto: 6,
        packets: rng.int(300, 500),
        bytes: rng.int(40_000, 70_000),
        start: hourStart + i * 600_000,
        action: 'ACCEPT',
        flags: 3,
        direction: 'egress',
      });
    }
  }
  return flows;
}

function line(log: FlowLog, f: Flow): string {
  const s = Math.floor(f.start / 1000);
  const status = f.status ?? 'OK';
  const empty = status !== 'OK';
  const dash = (v: string | number) => (empty ? '-' : String(v));
  const v2 = [
    log.format === 'v2' ? 2 : 5,
    log.account,
    f.eni,
    dash(f.src),
    dash(f.dst),
    dash(f.sport),
    dash(f.dport),
    dash(f.proto),
    dash(f.packets),
    dash(f.bytes),
    s,
    s + 60,
    empty ? '-' : f.action,
    status,
  ];
  if (log.format === 'v2') return v2.join(' ');
  const eni = log.enis.find((e) => e.eni === f.eni);
  return [
    ...v2,
    log.vpc,
    eni?.subnet ?? '-',
    eni?.instance ?? '-',
    empty ? '-' : (f.flags ?? 0),
    empty ? '-' : 'IPv4',
    dash(f.src),
    dash(f.dst),
    log.region,
    'euw1-az2',
    '-',
    '-',
    '-',
    empty ? '-' : (f.dstService ?? '-'),
    empty ? '-' : (f.direction ?? 'egress'),
    empty || f.direction !== 'egress' ? '-' : 1,
  ].join(' ');
}

export function vpcflowSampleFiles(opts: SampleOptions): SampleFile[] {
  const rng = new SampleRandom(opts.seed, 'vpcflow');
  const endHour = Math.floor(opts.end.getTime() / HOUR) * HOUR;
  const files: SampleFile[] = [];
  for (const log of [PROD, DEV]) {
    for (let h = opts.days * 24; h >= 1; h--) {
      const hourStart = endHour - h * HOUR;
      const flows = [...benign(rng, log, hourStart), ...attacks(rng, log, hourStart, h)].sort(
        (a, b) => a.start - b.start,
      );
      const text = `${log.format === 'v2' ? V2 : V5}\n${flows.map((f) => line(log, f)).join('\n')}\n`;
      const closes = new Date(hourStart + HOUR);
      files.push({
        path: `AWSLogs/${log.account}/vpcflowlogs/${log.region}/${datePath(closes)}/${log.account}_vpcflowlogs_${log.region}_${log.id}_${compactTime(closes)}_${rng.hex(8)}.log.gz`,
        body: gzipSync(text),
      });
    }
  }
  return files;
}

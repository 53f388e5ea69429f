import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lake, openLake } from '../fixtures/lake.js';
import { DATASETS } from '../fixtures/shared.js';

let lake: Lake;
beforeAll(async () => {
  lake = await openLake();
});
afterAll(async () => lake.close());

describe('VPC Flow Logs', () => {
  it('reads a default-format (v2) S3 delivery with its header, NODATA and SKIPDATA, detected by key', async () => {
    const text = [
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
      '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1763712000 1763712060 ACCEPT OK',
      '2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1763712030 1763712090 REJECT OK',
      '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1763715600 1763715660 - NODATA',
      '2 123456789010 eni-11111111111111111 - - - - - - - 1763715600 1763715660 - SKIPDATA',
    ].join('\n');
    const key =
      'AWSLogs/123456789010/vpcflowlogs/us-east-1/2026/11/21/123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20261121T0805Z_fe123456.log.gz';
    const report = await lake.ingest({ sourceObject: key, body: gzipSync(text) });
    expect(report).toMatchObject({
      source: 'vpcflow',
      detectedBy: 'key',
      records: 4,
      written: 4,
      quarantined: 0,
      tables: { vpcflow: 4 },
    });
    expect(
      await lake.query(
        `SELECT srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start_time, end_time, action, log_status, ts, dt, hour, vpc_id
         FROM vpcflow WHERE source_object = '${key}' ORDER BY ts, log_status`,
      ),
    ).toEqual([
      {
        srcaddr: '172.31.16.139',
        dstaddr: '172.31.16.21',
        srcport: 20641,
        dstport: 22,
        protocol: 6,
        packets: 20,
        bytes: 4249,
        start_time: '2025-11-21T08:00:00Z',
        end_time: '2025-11-21T08:01:00Z',
        action: 'ACCEPT',
        log_status: 'OK',
        ts: '2025-11-21T08:00:00Z',
        dt: '2025-11-21',
        hour: '08',
        vpc_id: null,
      },
      {
        srcaddr: '203.0.113.12',
        dstaddr: '172.31.16.139',
        srcport: 0,
        dstport: 0,
        protocol: 1,
        packets: 4,
        bytes: 336,
        start_time: '2025-11-21T08:00:30Z',
        end_time: '2025-11-21T08:01:30Z',
        action: 'REJECT',
        log_status: 'OK',
        ts: '2025-11-21T08:00:30Z',
        dt: '2025-11-21',
        hour: '08',
        vpc_id: null,
      },
      {
        srcaddr: null,
        dstaddr: null,
        srcport: null,
        dstport: null,
        protocol: null,
        packets: null,
        bytes: null,
        start_time: '2025-11-21T09:00:00Z',
        end_time: '2025-11-21T09:01:00Z',
        action: null,
        log_status: 'NODATA',
        ts: '2025-11-21T09:00:00Z',
        dt: '2025-11-21',
        hour: '09',
        vpc_id: null,
      },
      {
        srcaddr: null,
        dstaddr: null,
        srcport: null,
        dstport: null,
        protocol: null,
        packets: null,
        bytes: null,
        start_time: '2025-11-21T09:00:00Z',
        end_time: '2025-11-21T09:01:00Z',
        action: null,
        log_status: 'SKIPDATA',
        ts: '2025-11-21T09:00:00Z',
        dt: '2025-11-21',
        hour: '09',
        vpc_id: null,
      },
    ]);
  });

  it('reads a custom v5 format by its header alone, quarantining lines that do not fit it', async () => {
    const text = [
      'region vpc-id srcaddr dstaddr dstport start action flow-direction traffic-path pkt-dst-aws-service tcp-flags',
      'eu-west-1 vpc-0abc 10.30.3.15 45.9.148.3 3333 1763712000 ACCEPT egress 1 - 3',
      'eu-west-1 vpc-0abc 10.30.3.15 52.95.1.1 443 1763712001 ACCEPT egress 8 S3 19',
      'eu-west-1 vpc-0abc 10.30.3.15 52.95.1.1 https 1763712002 ACCEPT egress 8 S3 19',
      'eu-west-1 vpc-0abc only-five-fields 1 2',
    ].join('\n');
    const report = await lake.ingest({ sourceObject: 'uploads/flows-dev.log', body: Buffer.from(text) });
    expect(report).toMatchObject({
      source: 'vpcflow',
      detectedBy: 'content',
      records: 4,
      written: 2,
      quarantined: 2,
    });
    expect(report.reasons).toEqual([
      { position: 'line 4', reason: 'dstport: expected an integer, got "https"' },
      {
        position: 'line 5',
        reason: 'expected 11 space-separated fields (region vpc-id srcaddr dstaddr …), got 5',
      },
    ]);
    expect(
      await lake.query(
        `SELECT region, vpc_id, dstaddr, dstport, flow_direction, traffic_path, pkt_dst_aws_service, tcp_flags, version, account_id
         FROM vpcflow WHERE source_object = 'uploads/flows-dev.log' ORDER BY ts`,
      ),
    ).toEqual([
      {
        region: 'eu-west-1',
        vpc_id: 'vpc-0abc',
        dstaddr: '45.9.148.3',
        dstport: 3333,
        flow_direction: 'egress',
        traffic_path: 1,
        pkt_dst_aws_service: null,
        tcp_flags: 3,
        version: null,
        account_id: null,
      },
      {
        region: 'eu-west-1',
        vpc_id: 'vpc-0abc',
        dstaddr: '52.95.1.1',
        dstport: 443,
        flow_direction: 'egress',
        traffic_path: 8,
        pkt_dst_aws_service: 'S3',
        tcp_flags: 19,
        version: null,
        account_id: null,
      },
    ]);
  });

  it('quarantines the skeletal Panther VPC test events (no start time) with the reason, losing none', async (ctx) => {
    const file = `${DATASETS}/vpcflow/panther-analysis_rule-tests.jsonl`;
    if (!existsSync(file)) return ctx.skip(`dataset ${file} is absent`);
    const events = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event);
    const report = await lake.ingest({
      sourceObject: 'panther/vpcflow.ndjson',
      body: Buffer.from(events.map((e) => JSON.stringify(e)).join('\n')),
      source: 'vpcflow',
    });
    expect(report).toMatchObject({ records: 23, written: 0, quarantined: 23 });
    expect(new Set(report.reasons.map((r) => r.reason))).toEqual(
      new Set(['missing start (epoch seconds): the flow has no time']),
    );
  });

  it('writes the sample with its attacks and nothing quarantined', async () => {
    const { vpcflow } = await import('../../lambdas/core/sources/vpcflow/index.js');
    let quarantined = 0;
    for (const f of vpcflow.sample({ end: new Date('2026-11-21T08:00:00Z'), days: 2, seed: 3 })) {
      quarantined += (await lake.ingest({ sourceObject: `sample/vpcflow/${f.path}`, body: f.body }))
        .quarantined;
    }
    expect(quarantined).toBe(0);
    expect(
      await lake.query(
        `SELECT srcaddr, action, count(*) AS n, count(DISTINCT dstport) AS ports FROM vpcflow
         WHERE srcaddr IN ('203.0.113.50', '198.51.100.77') GROUP BY ALL ORDER BY srcaddr, action`,
      ),
    ).toEqual([
      { srcaddr: '198.51.100.77', action: 'REJECT', n: 200, ports: 200 },
      { srcaddr: '203.0.113.50', action: 'ACCEPT', n: 1, ports: 1 },
      { srcaddr: '203.0.113.50', action: 'REJECT', n: 60, ports: 1 },
    ]);
    expect(
      await lake.query(
        `SELECT log_status, count(*) AS n FROM vpcflow WHERE log_status = 'SKIPDATA' AND source_object LIKE 'sample/%' GROUP BY ALL`,
      ),
    ).toEqual([{ log_status: 'SKIPDATA', n: 1 }]);
  });
});

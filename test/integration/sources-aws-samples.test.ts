import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudwatchLogs } from '../../lambdas/core/sources/cloudwatch_logs/index.js';
import { guardduty } from '../../lambdas/core/sources/guardduty/index.js';
import { securityhub } from '../../lambdas/core/sources/securityhub/index.js';
import type { SourceModule } from '../../lambdas/core/sources/types.js';
import { vpcflow } from '../../lambdas/core/sources/vpcflow/index.js';
import { type Lake, openLake } from '../fixtures/lake.js';

const END = new Date('2026-11-21T08:00:00Z');
let lake: Lake;
beforeAll(async () => {
  lake = await openLake(END);
});
afterAll(async () => lake.close());

async function ingestSample(source: SourceModule) {
  const totals = { records: 0, written: 0, quarantined: 0, skipped: 0, detectedBy: new Set<string>() };
  for (const file of source.sample({ end: END, days: 2, seed: 9 })) {
    const report = await lake.ingest({ sourceObject: `sample/${source.name}/${file.path}`, body: file.body });
    totals.records += report.records;
    totals.written += report.written;
    totals.quarantined += report.quarantined;
    totals.skipped += report.skipped;
    totals.detectedBy.add(`${report.source}:${report.detectedBy}`);
  }
  return totals;
}

describe('AWS source samples: as delivered, with their attacks, nothing quarantined', () => {
  it('are the same for the same seed and differ for another', () => {
    for (const source of [vpcflow, guardduty, cloudwatchLogs, securityhub]) {
      const a = source.sample({ end: END, days: 1, seed: 4 });
      expect(source.sample({ end: END, days: 1, seed: 4 })).toEqual(a);
      expect(source.sample({ end: END, days: 1, seed: 5 })).not.toEqual(a);
    }
  });

  it('GuardDuty: routine port probes through the export, high-severity findings through EventBridge', async () => {
    const totals = await ingestSample(guardduty);
    expect(totals).toMatchObject({ quarantined: 0, skipped: 0, detectedBy: new Set(['guardduty:key']) });
    expect(totals.written).toBe(totals.records);
    expect(
      await lake.query(
        `SELECT type, severity_label, accountid FROM guardduty WHERE type NOT LIKE 'Recon:EC2/PortProbe%' ORDER BY type`,
      ),
    ).toEqual([
      { type: 'CryptoCurrency:EC2/BitcoinTool.B', severity_label: 'High', accountid: '205873619440' },
      { type: 'Policy:IAMUser/RootCredentialUsage', severity_label: 'Low', accountid: '418293756102' },
      { type: 'Recon:EC2/Portscan', severity_label: 'Medium', accountid: '739104582613' },
      { type: 'UnauthorizedAccess:EC2/SSHBruteForce', severity_label: 'Medium', accountid: '739104582613' },
      { type: 'UnauthorizedAccess:EC2/TorClient', severity_label: 'High', accountid: '739104582613' },
    ]);
  });

  it('CloudWatch Logs: credential stuffing and SQL injection in the access logs, the control message skipped', async () => {
    const totals = await ingestSample(cloudwatchLogs);
    expect(totals).toMatchObject({
      quarantined: 0,
      skipped: 1,
      detectedBy: new Set(['cloudwatch_logs:key']),
    });
    expect(totals.written + totals.skipped).toBe(totals.records);
    expect(
      await lake.query(
        `SELECT json_extract_string(message, '$.status') AS status, count(*) AS n FROM cloudwatch_logs
         WHERE json_extract_string(message, '$.ip') = '198.51.100.77' GROUP BY ALL ORDER BY status`,
      ),
    ).toEqual([
      { status: '200', n: 1 },
      { status: '400', n: 3 },
      { status: '401', n: 80 },
    ]);
    expect(
      await lake.query(`SELECT count(*) AS n FROM cloudwatch_logs WHERE message LIKE '%DB_PASSWORD%'`),
    ).toEqual([{ n: 1 }]);
  });

  it('Security Hub: failing controls and imported GuardDuty findings among routine checks', async () => {
    const totals = await ingestSample(securityhub);
    expect(totals).toMatchObject({ quarantined: 0, skipped: 0, detectedBy: new Set(['securityhub:key']) });
    expect(
      await lake.query(
        `SELECT generatorid, severity.label AS label, compliance.status AS status, count(*) AS n FROM securityhub
         WHERE severity.label IN ('HIGH', 'CRITICAL') GROUP BY ALL ORDER BY generatorid`,
      ),
    ).toEqual([
      { generatorid: 'AWSInspectorV2', label: 'HIGH', status: null, n: 4 },
      {
        generatorid: 'arn:aws:guardduty:eu-west-1:205873619440:detector/6ac4c1f2b0e9d8a7f6e5d4c3b2a19087',
        label: 'HIGH',
        status: null,
        n: 1,
      },
      {
        generatorid: 'arn:aws:guardduty:us-east-1:739104582613:detector/6ac4c1f2b0e9d8a7f6e5d4c3b2a19087',
        label: 'HIGH',
        status: null,
        n: 1,
      },
      { generatorid: 'security-control/EC2.2', label: 'HIGH', status: 'FAILED', n: 4 },
      { generatorid: 'security-control/IAM.6', label: 'CRITICAL', status: 'FAILED', n: 1 },
      { generatorid: 'security-control/S3.8', label: 'HIGH', status: 'FAILED', n: 1 },
    ]);
  });
});

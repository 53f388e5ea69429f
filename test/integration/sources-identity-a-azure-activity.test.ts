import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureActivity } from '../../lambdas/core/sources/azure_activity/index.js';
import {
  generateAzureActivityRecords,
  SUBSCRIPTION,
} from '../../lambdas/core/sources/azure_activity/sample.js';
import { ndjsonBody, sigmaRule, sigmaSql } from '../fixtures/datasets.js';
import { type Lake, openLake } from '../fixtures/lake.js';

const SAMPLE = { end: new Date('2026-11-21T07:00:00Z'), days: 3, seed: 11 };

describe('azure_activity source (real DuckDB lake)', () => {
  let lake: Lake;
  beforeAll(async () => {
    lake = await openLake();
  });
  afterAll(async () => {
    await lake.close();
  });

  it('ingests the hourly export blobs, one row per record, with derived ARM columns', async () => {
    const records = generateAzureActivityRecords(SAMPLE);
    const reports = await lake.ingestSample(azureActivity.sample(SAMPLE));
    expect(
      reports.every((r) => r.source === 'azure_activity' && r.detectedBy === 'key' && r.quarantined === 0),
    ).toBe(true);
    expect(reports.reduce((n, r) => n + r.written, 0)).toBe(records.length);
    const rows = await lake.query(
      `SELECT resulttype, count(*) AS n, count(DISTINCT correlationid) AS operations FROM azure_activity GROUP BY 1 ORDER BY 1`,
    );
    // Every operation is a Start and a Success record sharing a correlation id.
    expect(rows).toEqual([
      { resulttype: 'Start', n: records.length / 2, operations: records.length / 2 },
      { resulttype: 'Success', n: records.length / 2, operations: records.length / 2 },
    ]);
    const grant = await lake.query(
      `SELECT caller, calleripaddress, subscriptionid, resourceprovider, identity.authorization.action AS action,
              json_extract_string(properties, '$.statusCode') AS status
       FROM azure_activity WHERE operationname = 'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE' AND resulttype = 'Success'`,
    );
    expect(grant).toEqual([
      {
        caller: 'Maria.Garcia@northwind-labs.com',
        calleripaddress: '91.132.147.18',
        subscriptionid: SUBSCRIPTION,
        resourceprovider: 'MICROSOFT.AUTHORIZATION',
        action: 'Microsoft.Authorization/roleAssignments/write',
        status: 'Created',
      },
    ]);
  });

  it('derives identity_events for the elevation and the Owner assignment only', async () => {
    const rows = await lake.query(
      `SELECT event_type, outcome, user_name, actor_name, target, source_ip FROM identity_events
       WHERE provider = 'azure_activity' ORDER BY ts`,
    );
    expect(rows).toEqual([
      {
        event_type: 'privilege_change',
        outcome: 'success',
        user_name: 'maria.garcia@northwind-labs.com',
        actor_name: null,
        target: 'User Access Administrator',
        source_ip: '91.132.147.18',
      },
      {
        event_type: 'privilege_change',
        outcome: 'success',
        user_name: '3f9a7c21-6b4e-4d8a-9c1f-0e2d5b7a8c64',
        actor_name: 'maria.garcia@northwind-labs.com',
        target: `Owner at /subscriptions/${SUBSCRIPTION}`,
        source_ip: '91.132.147.18',
      },
    ]);
  });

  it('SigmaHQ activity-log rules (a keyword rule and a field rule) select the escalation records', async () => {
    const granting = sigmaRule('cloud/azure/activity_logs/azure_granting_permission_detection.yml');
    const elevation = sigmaRule(
      'cloud/azure/activity_logs/azure_subscription_permissions_elevation_via_activitylogs.yml',
    );
    if (!granting || !elevation) return console.warn('SigmaHQ corpus absent: Sigma check skipped');
    const g = await lake.query(`SELECT resulttype FROM (${sigmaSql(granting, 'granting.yml')}) ORDER BY ts`);
    expect(g).toEqual([{ resulttype: 'Start' }, { resulttype: 'Success' }]);
    const e = await lake.query(
      `SELECT caller, resulttype FROM (${sigmaSql(elevation, 'elevation.yml')}) ORDER BY ts`,
    );
    expect(e).toEqual([
      { caller: 'Maria.Garcia@northwind-labs.com', resulttype: 'Start' },
      { caller: 'Maria.Garcia@northwind-labs.com', resulttype: 'Success' },
    ]);
  });

  it('reads REST API events and Event Hub {"records"} documents, and names what it cannot keep', async () => {
    const rest = {
      value: [
        {
          authorization: {
            action: 'Microsoft.Authorization/roleAssignments/delete',
            scope: `/subscriptions/${SUBSCRIPTION}`,
          },
          caller: 'Daniel.Kim@northwind-labs.com',
          claims: {},
          correlationId: 'c-1',
          eventDataId: 'evt-rest-1',
          eventTimestamp: '2026-11-19T10:00:00.1234567Z',
          httpRequest: { clientIpAddress: '198.51.100.24', method: 'DELETE' },
          level: 'Informational',
          operationName: {
            value: 'Microsoft.Authorization/roleAssignments/delete',
            localizedValue: 'Delete role assignment',
          },
          category: { value: 'Administrative', localizedValue: 'Administrative' },
          resourceId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/ra-1`,
          status: { value: 'Succeeded', localizedValue: 'Succeeded' },
          properties: {},
        },
      ],
    };
    const restReport = await lake.ingestBody(
      'azure-activity/rest/page-1.json',
      Buffer.from(JSON.stringify(rest)),
    );
    expect(restReport).toMatchObject({
      records: 1,
      written: 1,
      quarantined: 0,
      tables: { azure_activity: 1 },
    });
    const row = await lake.query(
      `SELECT operationname, category, resulttype, caller, calleripaddress FROM azure_activity WHERE event_id = 'evt-rest-1'`,
    );
    expect(row).toEqual([
      {
        operationname: 'Microsoft.Authorization/roleAssignments/delete',
        category: 'Administrative',
        resulttype: 'Succeeded',
        caller: 'Daniel.Kim@northwind-labs.com',
        calleripaddress: '198.51.100.24',
      },
    ]);
    const hub = {
      records: [
        {
          time: '2026-11-19T10:00:00Z',
          resourceId: '/subscriptions/x',
          operationName: 'MICROSOFT.COMPUTE/VIRTUALMACHINES/DELETE',
          durationMs: 'slow',
        },
        { time: '2026-11-19T10:00:00Z', resourceId: '/subscriptions/x' },
        { resourceId: '/subscriptions/x', operationName: 'MICROSOFT.COMPUTE/VIRTUALMACHINES/DELETE' },
      ],
    };
    const hubReport = await lake.ingestBody('insights-activity-logs/hub.json', ndjsonBody([hub]));
    expect(hubReport).toMatchObject({ records: 3, written: 0, quarantined: 3 });
    // Positions name the line and the record within it; their exact spelling is the decoder's.
    expect(hubReport.reasons.every((r) => r.position.startsWith('line 1 '))).toBe(true);
    expect(hubReport.reasons.map((r) => r.reason)).toEqual([
      'durationms: expected an integer, got "slow"',
      'missing or non-text required field operationName',
      'missing event time time',
    ]);
  });
});

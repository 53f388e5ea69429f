/**
 * Azure Activity Log sample, as the diagnostic-settings export writes it to a storage account (one
 * NDJSON blob per hour under insights-activity-logs/). Benign: engineers and a deployment pipeline
 * changing VMs, network security groups, storage and deployments in working hours, each operation
 * a Start and a Success record. Attack: from the Moscow session that took over Maria Garcia's
 * account (see the Entra ID sample), elevate access to User Access Administrator, then assign Owner
 * on the subscription to the backdoor account.
 */
import {
  ATTACKER,
  HOUR,
  iso,
  MINUTE,
  ndjson,
  PEOPLE,
  type Person,
  Rng,
  streamSeed,
  TENANT_ID,
  workdayStarts,
} from '../../identity/sample-kit.js';
import type { SampleFile, SampleOptions } from '../types.js';

type Json = Record<string, unknown>;

export const SUBSCRIPTION = '7c1d9e3a-52b8-4f60-9d2e-3a8b6c4f1e09';
const BACKDOOR_OBJECT_ID = '3f9a7c21-6b4e-4d8a-9c1f-0e2d5b7a8c64';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const PIPELINE_APP = 'a4c2e6f8-1b3d-4e5f-9a7c-2d4f6b8e0a13';

const OPERATIONS = [
  {
    op: 'Microsoft.Compute/virtualMachines/write',
    rg: 'rg-web',
    type: 'virtualMachines',
    name: 'vm-web-01',
    status: 'Created',
  },
  {
    op: 'Microsoft.Compute/virtualMachines/start/action',
    rg: 'rg-web',
    type: 'virtualMachines',
    name: 'vm-web-02',
    status: 'Accepted',
  },
  {
    op: 'Microsoft.Network/networkSecurityGroups/write',
    rg: 'rg-net',
    type: 'networkSecurityGroups',
    name: 'nsg-web',
    status: 'OK',
  },
  {
    op: 'Microsoft.Storage/storageAccounts/write',
    rg: 'rg-data',
    type: 'storageAccounts',
    name: 'stnorthwinddata',
    status: 'OK',
  },
  {
    op: 'Microsoft.Resources/deployments/write',
    rg: 'rg-web',
    type: 'deployments',
    name: 'web-release',
    status: 'Created',
  },
] as const;

interface Caller {
  upn?: string;
  objectId: string;
  appId?: string;
  ip: string;
  name: string;
}

function personCaller(p: Person, ip: string): Caller {
  return {
    upn: p.email,
    objectId: `${p.first.length}${p.last.length}0c1a2b-3c4d-4e5f-8a9b-000000000000`,
    ip,
    name: `${p.first} ${p.last}`,
  };
}

const PIPELINE: Caller = {
  objectId: 'b7e1d3c5-9a2f-4e6b-8d0c-1f3a5e7b9c24',
  appId: PIPELINE_APP,
  ip: '20.42.64.101',
  name: 'github-deploy',
};

function provider(op: string): string {
  return op.split('/')[0] as string;
}

class ActivityGen {
  readonly records: Json[] = [];
  constructor(readonly rng: Rng) {}

  /** One operation: its Start record and, a moment later, its Success record. */
  operation(
    t: number,
    who: Caller,
    op: string,
    resourceId: string,
    o: { role?: string; properties?: Json; status?: string } = {},
  ): void {
    const correlationId = this.rng.uuid();
    const claims: Json = {
      aud: 'https://management.core.windows.net/',
      iss: `https://sts.windows.net/${TENANT_ID}/`,
      'http://schemas.microsoft.com/identity/claims/objectidentifier': who.objectId,
      'http://schemas.microsoft.com/identity/claims/tenantid': TENANT_ID,
      ipaddr: who.ip,
      name: who.name,
    };
    if (who.upn) claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'] = who.upn;
    if (who.appId) claims.appid = who.appId;
    const scope = resourceId;
    for (const phase of ['Start', 'Success'] as const) {
      const at = phase === 'Start' ? t : t + this.rng.int(800, 9000);
      this.records.push({
        time: iso(at),
        resourceId: resourceId.toUpperCase(),
        operationName: op.toUpperCase(),
        category: 'Administrative',
        resultType: phase,
        resultSignature: phase === 'Start' ? 'Started.' : `Succeeded.${o.status ?? 'OK'}`,
        durationMs: phase === 'Start' ? '0' : String(at - t),
        callerIpAddress: who.ip,
        correlationId,
        identity: {
          authorization: {
            scope,
            action: op,
            evidence: {
              role: o.role ?? 'Contributor',
              roleAssignmentScope: `/subscriptions/${SUBSCRIPTION}`,
              roleAssignmentId: this.rng.hex(32),
              roleDefinitionId:
                o.role === 'Owner' ? OWNER.replaceAll('-', '') : CONTRIBUTOR.replaceAll('-', ''),
              principalId: who.objectId.replaceAll('-', ''),
              principalType: who.upn ? 'User' : 'ServicePrincipal',
            },
          },
          claims,
        },
        level: 'Information',
        location: 'global',
        properties: {
          statusCode: phase === 'Start' ? 'Started' : (o.status ?? 'OK'),
          serviceRequestId: phase === 'Start' ? null : this.rng.uuid(),
          eventCategory: 'Administrative',
          entity: resourceId,
          message: op,
          hierarchy: `${TENANT_ID}/${SUBSCRIPTION}`,
          ...o.properties,
        },
      });
    }
  }
}

const armId = (rg: string, op: string, type: string, name: string) =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/${provider(op)}/${type}/${name}`;

function benign(g: ActivityGen, end: number, days: number): void {
  const engineers = PEOPLE.filter((p) => p.admin || p.department === 'Engineering');
  for (const p of engineers) {
    for (const start of workdayStarts(g.rng, p, end, days)) {
      let t = start + g.rng.int(30, 90) * MINUTE;
      for (let i = g.rng.int(1, 5); i > 0 && t < end - MINUTE; i--) {
        const o = g.rng.pick(OPERATIONS);
        g.operation(t, personCaller(p, p.ips[0] as string), o.op, armId(o.rg, o.op, o.type, o.name), {
          status: o.status,
        });
        t += g.rng.int(20, 120) * MINUTE;
      }
    }
  }
  // The deployment pipeline releases four times a day.
  const first = Math.ceil((end - days * 24 * HOUR) / (6 * HOUR));
  for (let k = first; k * 6 * HOUR + HOUR < end; k++) {
    const t = k * 6 * HOUR + HOUR + g.rng.int(0, 20) * MINUTE;
    if (t >= end - MINUTE) break;
    g.operation(
      t,
      PIPELINE,
      'Microsoft.Resources/deployments/write',
      armId('rg-web', 'Microsoft.Resources/deployments/write', 'deployments', `release-${k}`),
      { status: 'Created' },
    );
  }
}

function escalation(g: ActivityGen, end: number): void {
  const maria = personCaller(PEOPLE[0] as Person, ATTACKER.proxyIp);
  const t = end - 6 * HOUR;
  g.operation(
    t,
    maria,
    'Microsoft.Authorization/elevateAccess/action',
    '/providers/Microsoft.Authorization',
    { role: 'Owner' },
  );
  const assignmentId = g.rng.uuid();
  const resourceId = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleAssignments/${assignmentId}`;
  g.operation(t + 5 * MINUTE, maria, 'Microsoft.Authorization/roleAssignments/write', resourceId, {
    role: 'User Access Administrator',
    status: 'Created',
    properties: {
      requestbody: JSON.stringify({
        Id: assignmentId,
        Properties: {
          PrincipalId: BACKDOOR_OBJECT_ID,
          PrincipalType: 'User',
          RoleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`,
          Scope: `/subscriptions/${SUBSCRIPTION}`,
        },
      }),
    },
  });
}

export function generateAzureActivityRecords(opts: SampleOptions): Json[] {
  const end = opts.end.getTime();
  const g = new ActivityGen(new Rng(streamSeed(opts.seed, 'azure_activity')));
  benign(g, end, opts.days);
  escalation(g, end);
  return g.records
    .filter((r) => Date.parse(String(r.time)) < end)
    .sort((a, b) => String(a.time).localeCompare(String(b.time)));
}

export function azureActivitySampleFiles(opts: SampleOptions): SampleFile[] {
  const byHour = new Map<string, Json[]>();
  for (const r of generateAzureActivityRecords(opts)) {
    const hour = String(r.time).slice(0, 13);
    const list = byHour.get(hour) ?? [];
    byHour.set(hour, list);
    list.push(r);
  }
  return [...byHour].map(([hour, records]) => ({
    path: `insights-activity-logs/resourceId=/SUBSCRIPTIONS/${SUBSCRIPTION.toUpperCase()}/y=${hour.slice(0, 4)}/m=${hour.slice(5, 7)}/d=${hour.slice(8, 10)}/h=${hour.slice(11, 13)}/m=00/PT1H.json`,
    body: ndjson(records),
  }));
}

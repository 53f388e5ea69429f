/**
 * Microsoft 365 unified audit log sample, as the Management Activity API serves content blobs: one
 * JSON array per workload content type and hour. Benign: Azure AD sign-ins to Office, OneDrive and
 * SharePoint file work, Exchange mail access and sends. Attack (the Moscow session that took over
 * Maria Garcia's account, see the Entra ID sample): a sign-in from Moscow, an inbox rule that
 * forwards invoice and payment mail to an external mailbox and hides it, and MFA disabled on the
 * backdoor account.
 */
import {
  ATTACKER,
  DOMAIN,
  HOUR,
  iso,
  jsonBytes,
  MINUTE,
  PEOPLE,
  type Person,
  Rng,
  streamSeed,
  TENANT_ID,
  workdayStarts,
} from '../../identity/sample-kit.js';
import type { SampleFile, SampleOptions } from '../types.js';

type Json = Record<string, unknown>;
type ContentType = 'Audit.AzureActiveDirectory' | 'Audit.Exchange' | 'Audit.SharePoint';

const OFFICE_HOME = '4765445b-32c6-49b0-83e6-1d93765276ca';
const FILES = [
  'Q4 forecast.xlsx',
  'Roadmap 2027.pptx',
  'Onboarding checklist.docx',
  'Vendor list.xlsx',
  'Design review.docx',
];

interface Tagged {
  content: ContentType;
  record: Json;
}

class M365Gen {
  readonly records: Tagged[] = [];
  constructor(readonly rng: Rng) {}

  private base(t: number, operation: string, recordType: number, workload: string, user: string): Json {
    return {
      CreationTime: iso(t).slice(0, 19),
      Id: this.rng.uuid(),
      Operation: operation,
      OrganizationId: TENANT_ID,
      RecordType: recordType,
      ResultStatus: 'Succeeded',
      UserKey: `10032000${this.rng.hex(8).toUpperCase()}`,
      UserType: 0,
      Version: 1,
      Workload: workload,
      UserId: user,
    };
  }

  login(t: number, p: Person, ip: string, ua: string, failed = false): void {
    const userOid = `${p.first.length}${p.last.length}0c1a2b-3c4d-4e5f-8a9b-000000000000`;
    this.records.push({
      content: 'Audit.AzureActiveDirectory',
      record: {
        ...this.base(t, failed ? 'UserLoginFailed' : 'UserLoggedIn', 15, 'AzureActiveDirectory', p.email),
        ResultStatus: 'Success',
        ObjectId: '00000003-0000-0ff1-ce00-000000000000',
        ClientIP: ip,
        AzureActiveDirectoryEventType: 1,
        ExtendedProperties: [
          { Name: 'ResultStatusDetail', Value: failed ? 'Redirect' : 'Success' },
          { Name: 'UserAgent', Value: ua },
          { Name: 'RequestType', Value: 'OAuth2:Authorize' },
        ],
        ModifiedProperties: [],
        Actor: [
          { ID: userOid, Type: 0 },
          { ID: p.email, Type: 5 },
        ],
        ActorContextId: TENANT_ID,
        ActorIpAddress: ip,
        InterSystemsId: this.rng.uuid(),
        IntraSystemId: this.rng.uuid(),
        SupportTicketId: '',
        Target: [{ ID: '00000003-0000-0ff1-ce00-000000000000', Type: 0 }],
        TargetContextId: TENANT_ID,
        ApplicationId: OFFICE_HOME,
        ...(failed ? { LogonError: 'InvalidUserNameOrPassword', ErrorNumber: '50126' } : {}),
      },
    });
  }

  file(t: number, p: Person, ip: string, operation: string): void {
    const name = this.rng.pick(FILES);
    const site = `https://northwindlabs-my.sharepoint.com/personal/${p.email.toLowerCase().replace(/[.@]/g, '_')}`;
    this.records.push({
      content: 'Audit.SharePoint',
      record: {
        ...this.base(t, operation, 6, 'OneDrive', p.email),
        ClientIP: ip,
        ObjectId: `${site}/Documents/${name}`,
        UserAgent: p.userAgent,
        EventSource: 'SharePoint',
        ItemType: 'File',
        Site: this.rng.uuid(),
        SiteUrl: `${site}/`,
        SourceFileExtension: name.split('.').at(-1),
        SourceFileName: name,
        SourceRelativeUrl: 'Documents',
      },
    });
  }

  mail(t: number, p: Person, ip: string): void {
    const send = this.rng.chance(0.4);
    this.records.push({
      content: 'Audit.Exchange',
      record: {
        ...this.base(t, send ? 'Send' : 'MailItemsAccessed', send ? 2 : 50, 'Exchange', p.email),
        ClientIP: ip,
        ClientInfoString: 'Client=OWA;Action=ViaProxy',
        LogonType: 0,
        MailboxGuid: this.rng.uuid(),
        MailboxOwnerUPN: p.email,
        ...(send
          ? {
              Item: {
                Id: this.rng.alnum(40),
                Subject: 'Re: weekly sync',
                SizeInBytes: this.rng.int(4000, 90000),
              },
            }
          : { OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }] }),
      },
    });
  }

  exchangeAdmin(
    t: number,
    user: string,
    ip: string,
    operation: string,
    objectId: string,
    parameters: Json[],
  ): void {
    this.records.push({
      content: 'Audit.Exchange',
      record: {
        ...this.base(t, operation, 1, 'Exchange', user),
        ResultStatus: 'True',
        ObjectId: objectId,
        ClientIP: ip,
        ExternalAccess: false,
        OrganizationName: 'northwindlabs.onmicrosoft.com',
        OriginatingServer: 'AM0PR06MB6450 (15.20.8158.020)',
        Parameters: parameters,
      },
    });
  }

  directory(t: number, actor: Person, operation: string, target: string, modified: Json[]): void {
    this.records.push({
      content: 'Audit.AzureActiveDirectory',
      record: {
        ...this.base(t, operation, 8, 'AzureActiveDirectory', actor.email),
        ResultStatus: 'Success',
        ObjectId: target,
        AzureActiveDirectoryEventType: 1,
        ExtendedProperties: [{ Name: 'extendedAuditEventCategory', Value: 'User' }],
        ModifiedProperties: modified,
        Actor: [{ ID: actor.email, Type: 5 }],
        ActorContextId: TENANT_ID,
        InterSystemsId: this.rng.uuid(),
        IntraSystemId: this.rng.uuid(),
        SupportTicketId: '',
        Target: [
          { ID: `User_${this.rng.uuid()}`, Type: 2 },
          { ID: target, Type: 5 },
        ],
        TargetContextId: TENANT_ID,
      },
    });
  }
}

function benign(g: M365Gen, end: number, days: number): void {
  for (const p of PEOPLE) {
    for (const start of workdayStarts(g.rng, p, end, days)) {
      const ip = g.rng.chance(0.8) ? (p.ips[0] as string) : g.rng.pick(p.ips);
      let t = start + g.rng.int(1, 5) * MINUTE;
      if (g.rng.chance(0.06)) {
        g.login(t, p, ip, p.userAgent, true);
        t += g.rng.int(20, 50) * 1000;
      }
      g.login(t, p, ip, p.userAgent);
      for (let i = g.rng.int(3, 8); i > 0; i--) {
        t += g.rng.int(5, 70) * MINUTE;
        if (t > end - MINUTE) break;
        if (g.rng.chance(0.5)) g.mail(t, p, `${ip}:${g.rng.int(30000, 65000)}`);
        else g.file(t, p, ip, g.rng.pick(['FileAccessed', 'FileAccessed', 'FileModified', 'FileUploaded']));
      }
    }
  }
}

function mailboxTakeover(g: M365Gen, end: number): void {
  const maria = PEOPLE[0] as Person;
  const t = end - 6 * HOUR - 30 * MINUTE;
  g.login(t, maria, ATTACKER.proxyIp, 'BAV2ROPC');
  g.exchangeAdmin(
    t + 4 * MINUTE,
    maria.email,
    `${ATTACKER.proxyIp}:51234`,
    'New-InboxRule',
    `NAMPR06A003.prod.outlook.com/Microsoft Exchange Hosted Organizations/northwindlabs.onmicrosoft.com/Maria Garcia\\RSS Feeds Sync`,
    [
      { Name: 'AlwaysDeleteOutlookRulesBlob', Value: 'False' },
      { Name: 'Force', Value: 'False' },
      { Name: 'Name', Value: 'RSS Feeds Sync' },
      { Name: 'SubjectOrBodyContainsWords', Value: 'invoice;payment;wire transfer;bank details' },
      { Name: 'ForwardTo', Value: ATTACKER.externalMailbox },
      { Name: 'MarkAsRead', Value: 'True' },
      { Name: 'MoveToFolder', Value: 'RSS Subscriptions' },
      { Name: 'StopProcessingRules', Value: 'True' },
    ],
  );
  g.directory(t + 20 * MINUTE, maria, 'Disable Strong Authentication.', `svc-backup@${DOMAIN}`, [
    { Name: 'StrongAuthenticationRequirement', NewValue: '[]', OldValue: '[{"RelyingParty":"*","State":1}]' },
    { Name: 'Included Updated Properties', NewValue: 'StrongAuthenticationRequirement', OldValue: '' },
  ]);
}

export function generateM365Records(opts: SampleOptions): Tagged[] {
  const end = opts.end.getTime();
  const g = new M365Gen(new Rng(streamSeed(opts.seed, 'm365')));
  benign(g, end, opts.days);
  mailboxTakeover(g, end);
  return g.records.sort((a, b) => String(a.record.CreationTime).localeCompare(String(b.record.CreationTime)));
}

export function m365SampleFiles(opts: SampleOptions): SampleFile[] {
  const blobs = new Map<string, Json[]>();
  for (const { content, record } of generateM365Records(opts)) {
    const hour = String(record.CreationTime).slice(0, 13);
    const key = `${content}/${hour.slice(0, 10).replaceAll('-', '/')}/${hour.slice(11, 13)}`;
    const list = blobs.get(key) ?? [];
    blobs.set(key, list);
    list.push(record);
  }
  return [...blobs].map(([key, records]) => ({
    path: `m365/audit/${key}/${key.split('/')[0]}_${key.split('/').slice(1).join('')}.json`,
    body: jsonBytes(records),
  }));
}

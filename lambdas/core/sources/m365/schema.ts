import { COMMON_COLUMNS, type ColumnType, type TableSchema } from '../../schema/types.js';

const nameValue: ColumnType = { list: { struct: { name: 'string', value: 'string' } } };
const idType: ColumnType = { list: { struct: { id: 'string', type: 'bigint' } } };

/**
 * `m365`: the Microsoft 365 unified audit log as the Office 365 Management Activity API delivers
 * it, field names lower-cased: the common schema every workload shares (Id, RecordType,
 * CreationTime, Operation, Workload, UserId, ClientIP...), the fields most detections read from
 * Azure AD, Exchange and SharePoint records, and everything else in `detail`.
 */
export const m365Schema: TableSchema = {
  name: 'm365',
  description:
    'Microsoft 365 unified audit log (Exchange, SharePoint, OneDrive, Azure AD, Teams...), one row per record.',
  timeColumn: 'ts',
  columns: [
    { name: 'id', type: 'string', description: 'Unique id of the audit record.' },
    {
      name: 'recordtype',
      type: 'bigint',
      description:
        'Record type number (1 ExchangeAdmin, 6 SharePointFileOperation, 15 AzureActiveDirectoryStsLogon...).',
    },
    { name: 'creationtime', type: 'timestamp', description: 'When the activity happened, UTC.' },
    {
      name: 'operation',
      type: 'string',
      description: 'The activity: UserLoggedIn, New-InboxRule, FileAccessed, MailItemsAccessed...',
    },
    {
      name: 'workload',
      type: 'string',
      description: 'Exchange, SharePoint, OneDrive, AzureActiveDirectory, MicrosoftTeams...',
    },
    { name: 'organizationid', type: 'string', description: 'Microsoft 365 tenant id.' },
    { name: 'userid', type: 'string', description: 'UPN (or service account) of the user who did it.' },
    { name: 'userkey', type: 'string', description: 'Alternative id of the user (PUID or object id).' },
    {
      name: 'usertype',
      type: 'bigint',
      description: '0 Regular, 2 Admin, 3 DcAdmin, 4 System, 5 Application...',
    },
    {
      name: 'resultstatus',
      type: 'string',
      description: 'Succeeded, Failed, True, Success... (the workload’s word).',
    },
    {
      name: 'objectid',
      type: 'string',
      description: 'What was acted on: a file URL, a mailbox rule, a user.',
    },
    { name: 'clientip', type: 'string', description: 'Client IP address, as logged (may carry a port).' },
    { name: 'useragent', type: 'string', description: 'Client user agent (SharePoint, OneDrive).' },
    { name: 'applicationid', type: 'string', description: 'Azure AD application signed in to.' },
    {
      name: 'azureactivedirectoryeventtype',
      type: 'bigint',
      description: '0 account logon, 1 Azure AD STS logon.',
    },
    {
      name: 'logonerror',
      type: 'string',
      description: 'Why a sign-in failed, e.g. InvalidUserNameOrPassword.',
    },
    { name: 'actoripaddress', type: 'string', description: 'Azure AD: IP address of the actor.' },
    {
      name: 'actor',
      type: idType,
      description: 'Azure AD: ids of who acted (UPN, object id...) with their type.',
    },
    { name: 'target', type: idType, description: 'Azure AD: ids of what was acted on, with their type.' },
    {
      name: 'extendedproperties',
      type: nameValue,
      description: 'Azure AD: extra name/value pairs (RequestType, ResultStatusDetail, UserAgent...).',
    },
    {
      name: 'modifiedproperties',
      type: { list: { struct: { name: 'string', newvalue: 'string', oldvalue: 'string' } } },
      description: 'Azure AD: properties changed, with old and new values.',
    },
    {
      name: 'parameters',
      type: nameValue,
      description: 'Exchange admin: cmdlet parameters (ForwardTo, Identity...).',
    },
    {
      name: 'externalaccess',
      type: 'boolean',
      description: 'Exchange admin: true when run by Microsoft or a delegated admin.',
    },
    { name: 'organizationname', type: 'string', description: 'Exchange: tenant name.' },
    { name: 'originatingserver', type: 'string', description: 'Exchange: server that ran the cmdlet.' },
    {
      name: 'mailboxownerupn',
      type: 'string',
      description: 'Exchange mailbox: owner of the mailbox accessed.',
    },
    {
      name: 'clientinfostring',
      type: 'string',
      description: 'Exchange mailbox: the client (Outlook, OWA, EAS...).',
    },
    { name: 'siteurl', type: 'string', description: 'SharePoint/OneDrive: site of the file.' },
    { name: 'sourcefilename', type: 'string', description: 'SharePoint/OneDrive: file name.' },
    { name: 'sourcerelativeurl', type: 'string', description: 'SharePoint/OneDrive: folder of the file.' },
    { name: 'itemtype', type: 'string', description: 'SharePoint/OneDrive: File, Folder, Web...' },
    {
      name: 'detail',
      type: 'json',
      description:
        'JSON text: every other top-level field of the record, and each ExtendedProperties and Parameters pair under its name (RequestType, ForwardTo) where the record has no field of that name.',
    },
    ...COMMON_COLUMNS,
  ],
};

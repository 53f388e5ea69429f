import { COMMON_COLUMNS, type ColumnDef, type TableSchema } from '../../schema/types.js';

/**
 * Columns the Azure Monitor diagnostic export puts around each Entra ID record (`properties`
 * holds the Graph resource). For Graph API records they are derived from the resource, so rules
 * on `ResultType` or `OperationName` work whichever way the logs arrived.
 */
const ENVELOPE: ColumnDef[] = [
  {
    name: 'operationname',
    type: 'string',
    description: 'Export operationName: "Sign-in activity", or the audit activity ("Add member to role").',
  },
  {
    name: 'resulttype',
    type: 'string',
    description: 'Export resultType: the Entra error code as text, "0" on success (Graph: status.errorCode).',
  },
  { name: 'resultsignature', type: 'string', description: 'Export resultSignature (SUCCESS, None...).' },
  {
    name: 'resultdescription',
    type: 'string',
    description: 'Export resultDescription: why it failed (Graph: status.failureReason).',
  },
  { name: 'tenantid', type: 'string', description: 'Entra tenant id.' },
  { name: 'calleripaddress', type: 'string', description: 'Export callerIpAddress.' },
  { name: 'level', type: 'string', description: 'Export log level (4 = informational).' },
];

/**
 * `entra_signin_logs`: Entra ID sign-ins (interactive, non-interactive, service principal and
 * managed identity) as the Graph `signIn` resource names its fields, lower-cased, which is also how
 * Log Analytics' SigninLogs names them; fixed shapes (status, deviceDetail, location, mfaDetail) as
 * structs, free-form lists (conditional access policies, authentication details) as JSON text.
 */
export const entraSigninSchema: TableSchema = {
  name: 'entra_signin_logs',
  description: 'Entra ID (Azure AD) sign-in logs, one row per sign-in.',
  timeColumn: 'ts',
  columns: [
    { name: 'id', type: 'string', description: 'Sign-in id (unique).' },
    { name: 'createddatetime', type: 'timestamp', description: 'When the sign-in started, UTC.' },
    {
      name: 'category',
      type: 'string',
      description:
        'SignInLogs, NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs or ManagedIdentitySignInLogs.',
    },
    { name: 'userprincipalname', type: 'string', description: 'UPN of the user signing in.' },
    { name: 'userdisplayname', type: 'string', description: 'Display name of the user.' },
    { name: 'userid', type: 'string', description: 'Object id of the user.' },
    { name: 'usertype', type: 'string', description: 'member or guest.' },
    { name: 'appid', type: 'string', description: 'Application (client) id signed in to.' },
    { name: 'appdisplayname', type: 'string', description: 'Application name, e.g. Microsoft Teams.' },
    {
      name: 'resourcedisplayname',
      type: 'string',
      description: 'Resource the token is for, e.g. Microsoft Graph.',
    },
    { name: 'resourceid', type: 'string', description: 'Resource application id.' },
    {
      name: 'serviceprincipalid',
      type: 'string',
      description: 'Service principal id (service principal sign-ins).',
    },
    { name: 'serviceprincipalname', type: 'string', description: 'Service principal name.' },
    { name: 'ipaddress', type: 'string', description: 'Client IP address.' },
    { name: 'useragent', type: 'string', description: 'Client user agent.' },
    {
      name: 'clientappused',
      type: 'string',
      description:
        'Browser, Mobile Apps and Desktop clients, or a legacy protocol (IMAP4, Exchange ActiveSync...).',
    },
    { name: 'isinteractive', type: 'boolean', description: 'True when the user took part in the sign-in.' },
    {
      name: 'authenticationrequirement',
      type: 'string',
      description: 'singleFactorAuthentication or multiFactorAuthentication.',
    },
    { name: 'authenticationprotocol', type: 'string', description: 'none, deviceCode, ropc, saml20...' },
    { name: 'conditionalaccessstatus', type: 'string', description: 'success, failure or notApplied.' },
    { name: 'correlationid', type: 'string', description: 'Id shared by the requests of one sign-in flow.' },
    { name: 'sessionid', type: 'string', description: 'Entra session id.' },
    { name: 'uniquetokenidentifier', type: 'string', description: 'Id of the token issued.' },
    {
      name: 'status',
      type: { struct: { errorcode: 'bigint', failurereason: 'string', additionaldetails: 'string' } },
      description: 'errorcode (0 = success), failurereason and additionaldetails ("MFA denied; ...").',
    },
    {
      name: 'devicedetail',
      type: {
        struct: {
          deviceid: 'string',
          displayname: 'string',
          operatingsystem: 'string',
          browser: 'string',
          iscompliant: 'boolean',
          ismanaged: 'boolean',
          trusttype: 'string',
        },
      },
      description: 'The device: id (empty when unregistered), OS, browser, compliance and trust type.',
    },
    {
      name: 'location',
      type: {
        struct: {
          city: 'string',
          state: 'string',
          countryorregion: 'string',
          geocoordinates: { struct: { latitude: 'double', longitude: 'double', altitude: 'double' } },
        },
      },
      description: 'Where Entra geolocated the client: city, state, ISO country, coordinates.',
    },
    {
      name: 'mfadetail',
      type: { struct: { authmethod: 'string', authdetail: 'string' } },
      description: 'The MFA method used, where there was one.',
    },
    { name: 'riskdetail', type: 'string', description: 'Why the risk state is what it is.' },
    { name: 'risklevelaggregated', type: 'string', description: 'none, low, medium or high.' },
    { name: 'risklevelduringsignin', type: 'string', description: 'none, low, medium or high.' },
    { name: 'riskstate', type: 'string', description: 'none, atRisk, confirmedCompromised, remediated...' },
    {
      name: 'riskeventtypes_v2',
      type: { list: 'string' },
      description: 'Risk detections, e.g. unlikelyTravel.',
    },
    {
      name: 'signineventtypes',
      type: { list: 'string' },
      description: 'interactiveUser, nonInteractiveUser...',
    },
    {
      name: 'appliedconditionalaccesspolicies',
      type: 'json',
      description: 'Conditional access policies evaluated and their results, JSON text.',
    },
    { name: 'authenticationdetails', type: 'json', description: 'Each authentication step, JSON text.' },
    { name: 'networklocationdetails', type: 'json', description: 'Named networks matched, JSON text.' },
    ...ENVELOPE,
    ...COMMON_COLUMNS,
  ],
};

/**
 * `entra_audit_logs`: Entra ID directory audit events as the Graph `directoryAudit` resource (and
 * Log Analytics' AuditLogs) name them, lower-cased; `initiatedby` as a struct, target resources and
 * additional details (free-form lists) as JSON text.
 */
export const entraAuditSchema: TableSchema = {
  name: 'entra_audit_logs',
  description: 'Entra ID (Azure AD) directory audit logs, one row per audited activity.',
  timeColumn: 'ts',
  columns: [
    { name: 'id', type: 'string', description: 'Audit record id (unique).' },
    { name: 'activitydatetime', type: 'timestamp', description: 'When the activity happened, UTC.' },
    {
      name: 'activitydisplayname',
      type: 'string',
      description: 'The activity, e.g. Add member to role, Reset user password.',
    },
    {
      name: 'category',
      type: 'string',
      description: 'Audit category: UserManagement, RoleManagement, ApplicationManagement...',
    },
    {
      name: 'loggedbyservice',
      type: 'string',
      description: 'Core Directory, Self-service Password Management...',
    },
    { name: 'operationtype', type: 'string', description: 'Add, Update, Delete, Assign...' },
    { name: 'result', type: 'string', description: 'success, failure, timeout or unknownFutureValue.' },
    { name: 'resultreason', type: 'string', description: 'Why the activity failed.' },
    { name: 'correlationid', type: 'string', description: 'Id shared by related activities.' },
    {
      name: 'initiatedby',
      type: {
        struct: {
          user: {
            struct: { id: 'string', displayname: 'string', userprincipalname: 'string', ipaddress: 'string' },
          },
          app: {
            struct: {
              appid: 'string',
              displayname: 'string',
              serviceprincipalid: 'string',
              serviceprincipalname: 'string',
            },
          },
        },
      },
      description: 'Who did it: a user (initiatedby.user.userprincipalname) or an app.',
    },
    {
      name: 'targetresources',
      type: 'json',
      description: 'What it was done to, with modifiedProperties (old and new values), JSON text.',
    },
    { name: 'additionaldetails', type: 'json', description: 'Key/value details, JSON text.' },
    ...ENVELOPE,
    ...COMMON_COLUMNS,
  ],
};

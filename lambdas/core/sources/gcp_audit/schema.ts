import { COMMON_COLUMNS, type ColumnType, type TableSchema } from '../../schema/types.js';

/** AuditLog's fixed shape (google.cloud.audit.AuditLog), a struct so `protopayload.methodname` works. */
const auditLogType: ColumnType = {
  struct: {
    servicename: 'string',
    methodname: 'string',
    resourcename: 'string',
    authenticationinfo: {
      struct: {
        principalemail: 'string',
        principalsubject: 'string',
        authorityselector: 'string',
        serviceaccountkeyname: 'string',
        serviceaccountdelegationinfo: 'json',
        thirdpartyprincipal: 'json',
      },
    },
    requestmetadata: {
      struct: {
        callerip: 'string',
        callersupplieduseragent: 'string',
        callernetwork: 'string',
        requestattributes: 'json',
        destinationattributes: 'json',
      },
    },
    authorizationinfo: {
      list: {
        struct: { resource: 'string', permission: 'string', granted: 'boolean', resourceattributes: 'json' },
      },
    },
    status: { struct: { code: 'bigint', message: 'string', details: 'json' } },
    numresponseitems: 'bigint',
    request: 'json',
    response: 'json',
    metadata: 'json',
    servicedata: 'json',
    resourcelocation: 'json',
    resourceoriginalstate: 'json',
    policyviolationinfo: 'json',
  },
};

/**
 * The `gcp_audit` table: Cloud Audit Logs LogEntry fields lower-cased, the AuditLog payload as a
 * struct (its shape is fixed), request/response and other free-form messages as JSON text. LogEntry's
 * `timestamp` is `ts`.
 */
export const gcpAuditSchema: TableSchema = {
  name: 'gcp_audit',
  description:
    'Google Cloud Audit Logs (admin activity, data access, system event, policy denied), ' +
    'one row per LogEntry.',
  timeColumn: 'ts',
  columns: [
    { name: 'insertid', type: 'string', description: 'Unique id of the entry within its log and timestamp.' },
    {
      name: 'logname',
      type: 'string',
      description: 'Log the entry belongs to, e.g. projects/p/logs/cloudaudit.googleapis.com%2Factivity.',
    },
    { name: 'severity', type: 'string', description: 'NOTICE, INFO, WARNING, ERROR, ...' },
    {
      name: 'receivetimestamp',
      type: 'timestamp',
      description: 'When Cloud Logging received the entry, UTC.',
    },
    {
      name: 'resource',
      type: { struct: { type: 'string', labels: 'json' } },
      description:
        'Monitored resource: type (gce_instance, k8s_cluster, project, ...) and labels (JSON text).',
    },
    { name: 'labels', type: 'json', description: 'Entry labels, JSON text.' },
    {
      name: 'operation',
      type: { struct: { id: 'string', producer: 'string', first: 'boolean', last: 'boolean' } },
      description: 'Long-running operation the entry belongs to.',
    },
    { name: 'trace', type: 'string', description: 'Trace resource name, where there is one.' },
    { name: 'spanid', type: 'string', description: 'Span id within the trace.' },
    {
      name: 'protopayload',
      type: auditLogType,
      description:
        'The AuditLog: servicename, methodname, resourcename, authenticationinfo.principalemail, ' +
        'requestmetadata.callerip, authorizationinfo[], status; request/response/servicedata as JSON text.',
    },
    ...COMMON_COLUMNS,
  ],
};

import { COMMON_COLUMNS, type TableSchema } from '../../schema/types.js';

/**
 * `azure_activity`: the Azure Activity Log as the diagnostic-settings export writes it (the
 * resource-log schema: time, resourceId, operationName, resultType...), field names lower-cased;
 * `identity` (authorization and claims) as a struct with the free-form claims as JSON text, and
 * `properties` (different per operation) as JSON text. `caller`, `subscriptionid`, `resourcegroup`
 * and `resourceprovider` are derived, as Log Analytics' AzureActivity table derives them.
 */
export const azureActivitySchema: TableSchema = {
  name: 'azure_activity',
  description: 'Azure Activity Log (control-plane operations on subscriptions), one row per record.',
  timeColumn: 'ts',
  columns: [
    { name: 'time', type: 'timestamp', description: 'When the record was emitted, UTC.' },
    { name: 'resourceid', type: 'string', description: 'ARM id of the resource operated on.' },
    {
      name: 'operationname',
      type: 'string',
      description: 'ARM operation, e.g. MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE.',
    },
    {
      name: 'category',
      type: 'string',
      description: 'Administrative, Security, Policy, ServiceHealth, Alert, Recommendation, Autoscale...',
    },
    { name: 'resulttype', type: 'string', description: 'Start, Accept, Success or Failure.' },
    { name: 'resultsignature', type: 'string', description: 'Sub-status, e.g. Succeeded.Created.' },
    { name: 'durationms', type: 'bigint', description: 'Duration of the operation in milliseconds.' },
    { name: 'calleripaddress', type: 'string', description: 'IP address of the caller.' },
    { name: 'correlationid', type: 'string', description: 'Id shared by the records of one operation.' },
    { name: 'level', type: 'string', description: 'Informational, Warning, Error or Critical.' },
    { name: 'location', type: 'string', description: 'Region of the record (global for most).' },
    { name: 'tenantid', type: 'string', description: 'Entra tenant of the caller.' },
    {
      name: 'caller',
      type: 'string',
      description: 'Who called: UPN from the claims, else the caller’s object or application id.',
    },
    {
      name: 'identity',
      type: {
        struct: {
          authorization: {
            struct: {
              scope: 'string',
              action: 'string',
              evidence: {
                struct: {
                  role: 'string',
                  roleassignmentscope: 'string',
                  roleassignmentid: 'string',
                  roledefinitionid: 'string',
                  principalid: 'string',
                  principaltype: 'string',
                },
              },
            },
          },
          claims: 'json',
        },
      },
      description:
        'RBAC decision (scope, action, the role that allowed it) and the token claims (JSON text).',
    },
    {
      name: 'properties',
      type: 'json',
      description: 'Operation details (statusCode, entity, message, requestbody...), JSON text.',
    },
    { name: 'subscriptionid', type: 'string', description: 'Subscription, from resourceId.' },
    { name: 'resourcegroup', type: 'string', description: 'Resource group, from resourceId.' },
    {
      name: 'resourceprovider',
      type: 'string',
      description: 'Resource provider, from resourceId (e.g. Microsoft.Authorization).',
    },
    ...COMMON_COLUMNS,
  ],
};

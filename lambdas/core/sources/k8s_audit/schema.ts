import { COMMON_COLUMNS, type ColumnType, type TableSchema } from '../../schema/types.js';

const userInfo: ColumnType = {
  struct: { username: 'string', uid: 'string', groups: { list: 'string' }, extra: 'json' },
};

/**
 * The `k8s_audit` table: audit.k8s.io/v1 Event fields lower-cased, user/objectRef/responseStatus as
 * structs (fixed shapes), request and response objects as JSON text. One row per auditID and stage.
 */
export const k8sAuditSchema: TableSchema = {
  name: 'k8s_audit',
  description:
    'Kubernetes API server audit events (audit.k8s.io/v1 Event), one row per request stage; filter ' +
    "stage IN ('ResponseComplete', 'Panic') to count each request once.",
  timeColumn: 'ts',
  columns: [
    { name: 'apiversion', type: 'string', description: 'audit.k8s.io/v1 (or v1beta1 in old clusters).' },
    { name: 'level', type: 'string', description: 'Audit level: Metadata, Request, RequestResponse.' },
    { name: 'auditid', type: 'string', description: 'Unique id of the request; shared by its stages.' },
    {
      name: 'stage',
      type: 'string',
      description: 'RequestReceived, ResponseStarted (long-running: exec, watch), ResponseComplete or Panic.',
    },
    { name: 'requesturi', type: 'string', description: 'Request URI, e.g. /api/v1/namespaces/default/pods.' },
    {
      name: 'verb',
      type: 'string',
      description: 'Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection.',
    },
    { name: 'user', type: userInfo, description: 'Authenticated user: username, uid, groups.' },
    {
      name: 'impersonateduser',
      type: userInfo,
      description: 'User impersonated, when the request impersonated one.',
    },
    { name: 'sourceips', type: { list: 'string' }, description: 'Client addresses, nearest proxy last.' },
    { name: 'useragent', type: 'string', description: 'Client user agent, e.g. kubectl/v1.31.0.' },
    {
      name: 'objectref',
      type: {
        struct: {
          resource: 'string',
          namespace: 'string',
          name: 'string',
          uid: 'string',
          apigroup: 'string',
          apiversion: 'string',
          resourceversion: 'string',
          subresource: 'string',
        },
      },
      description:
        'Object the request was about: resource (pods), subresource (exec), namespace, name, apigroup.',
    },
    {
      name: 'responsestatus',
      type: { struct: { code: 'bigint', status: 'string', reason: 'string', message: 'string' } },
      description: 'Response status: HTTP code, and status/reason/message for failures.',
    },
    {
      name: 'requestobject',
      type: 'json',
      description: 'Request body (levels Request and RequestResponse), JSON text.',
    },
    {
      name: 'responseobject',
      type: 'json',
      description: 'Response body (level RequestResponse), JSON text.',
    },
    {
      name: 'requestreceivedtimestamp',
      type: 'timestamp',
      description: 'When the request reached the API server.',
    },
    { name: 'stagetimestamp', type: 'timestamp', description: 'When this stage was reached.' },
    {
      name: 'annotations',
      type: 'json',
      description: 'Annotations, e.g. authorization.k8s.io/decision and reason, JSON text.',
    },
    ...COMMON_COLUMNS,
  ],
};

import { alertsSchema } from '../alerts/lake-table.js';
import { identityEventsSchema } from '../identity/schema.js';
import { azureActivitySchema } from '../sources/azure_activity/schema.js';
import { cloudtrailSchema } from '../sources/cloudtrail/schema.js';
import { cloudwatchLogsSchema } from '../sources/cloudwatch_logs/schema.js';
import { duoSchema } from '../sources/duo/schema.js';
import { entraAuditSchema, entraSigninSchema } from '../sources/entra_id/schema.js';
import { gcpAuditSchema } from '../sources/gcp_audit/schema.js';
import { githubAuditSchema } from '../sources/github/schema.js';
import { googleWorkspaceSchema } from '../sources/google_workspace/schema.js';
import { guarddutySchema } from '../sources/guardduty/schema.js';
import { k8sAuditSchema } from '../sources/k8s_audit/schema.js';
import { m365Schema } from '../sources/m365/schema.js';
import { oktaSchema } from '../sources/okta/schema.js';
import { securityhubSchema } from '../sources/securityhub/schema.js';
import { slackAuditSchema } from '../sources/slack/schema.js';
import { vpcflowSchema } from '../sources/vpcflow/schema.js';
import type { TableSchema } from './types.js';

/**
 * Every table of the lake. The local DuckDB views, the SQL allowlist and the Glue tables of the
 * CDK stack are all generated from this list.
 */
export const TABLES: readonly TableSchema[] = [
  cloudtrailSchema,
  vpcflowSchema,
  guarddutySchema,
  cloudwatchLogsSchema,
  securityhubSchema,
  oktaSchema,
  entraSigninSchema,
  entraAuditSchema,
  azureActivitySchema,
  m365Schema,
  googleWorkspaceSchema,
  gcpAuditSchema,
  githubAuditSchema,
  k8sAuditSchema,
  duoSchema,
  slackAuditSchema,
  // Derived tables, fed by several sources.
  identityEventsSchema,
  alertsSchema,
];

export function tableNamed(name: string): TableSchema | undefined {
  return TABLES.find((t) => t.name === name);
}

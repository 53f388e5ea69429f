import { azureActivity } from './azure_activity/index.js';
import { cloudtrail } from './cloudtrail/index.js';
import { cloudwatchLogs } from './cloudwatch_logs/index.js';
import { duo } from './duo/index.js';
import { entraId } from './entra_id/index.js';
import { gcpAudit } from './gcp_audit/index.js';
import { github } from './github/index.js';
import { googleWorkspace } from './google_workspace/index.js';
import { guardduty } from './guardduty/index.js';
import { k8sAudit } from './k8s_audit/index.js';
import { m365 } from './m365/index.js';
import { okta } from './okta/index.js';
import { securityhub } from './securityhub/index.js';
import { slack } from './slack/index.js';
import type { SourceModule } from './types.js';
import { vpcflow } from './vpcflow/index.js';

/** Every log source Mantissa Log reads, in the order content detection tries them. */
export const SOURCES: readonly SourceModule[] = [
  cloudwatchLogs,
  securityhub,
  guardduty,
  cloudtrail,
  okta,
  entraId,
  azureActivity,
  m365,
  googleWorkspace,
  gcpAudit,
  github,
  k8sAudit,
  duo,
  slack,
  vpcflow,
];

export function sourceNamed(name: string): SourceModule | undefined {
  return SOURCES.find((s) => s.name === name);
}

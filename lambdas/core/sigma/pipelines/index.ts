import type { LogSource } from '../types.js';
import { azureActivityPipeline } from './azure_activity.js';
import { cloudtrailPipeline } from './cloudtrail.js';
import { duoPipeline } from './duo.js';
import { entraAuditPipeline, entraSigninPipeline } from './entra_id.js';
import { gcpAuditPipeline } from './gcp_audit.js';
import { githubAuditPipeline } from './github.js';
import { googleWorkspacePipeline } from './google_workspace.js';
import { k8sAuditPipeline } from './k8s_audit.js';
import { m365Pipeline } from './m365.js';
import { oktaPipeline } from './okta.js';
import { slackAuditPipeline } from './slack.js';
import type { Pipeline } from './types.js';

export type { Pipeline } from './types.js';

/** Every source's pipeline. A new source adds its file and one entry here. */
export const PIPELINES: readonly Pipeline[] = [
  cloudtrailPipeline,
  oktaPipeline,
  entraSigninPipeline,
  entraAuditPipeline,
  azureActivityPipeline,
  m365Pipeline,
  googleWorkspacePipeline,
  gcpAuditPipeline,
  githubAuditPipeline,
  k8sAuditPipeline,
  duoPipeline,
  slackAuditPipeline,
];

export function pipelineFor(logsource: LogSource): Pipeline | undefined {
  return PIPELINES.find((p) => p.appliesTo(logsource));
}

export function pipelineNamed(name: string): Pipeline | undefined {
  return PIPELINES.find((p) => p.name === name);
}

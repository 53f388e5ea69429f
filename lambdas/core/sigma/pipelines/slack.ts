import { slackAuditSchema } from '../../sources/slack/schema.js';
import { schemaPipeline } from './schema.js';

/**
 * Slack audit logs: logsource product slack, service audit -> table slack_audit (`action`,
 * `actor.user.email`, `entity.app.name`, `context.ip_address`; `details.*` as JSON). SigmaHQ has no
 * Slack rules yet; this is the logsource its convention would give them.
 */
export const slackAuditPipeline = schemaPipeline({
  name: 'slack_audit',
  schema: slackAuditSchema,
  logsource: { product: 'slack', service: 'audit' },
});

import { githubAuditSchema } from '../../sources/github/schema.js';
import { schemaPipeline } from './schema.js';

/** GitHub audit log: logsource product github, service audit -> table github_audit (`action`, `actor`, ...). */
export const githubAuditPipeline = schemaPipeline({
  name: 'github_audit',
  schema: githubAuditSchema,
  logsource: { product: 'github', service: 'audit' },
  aliases: { _document_id: 'document_id', '@timestamp': 'ts' },
});

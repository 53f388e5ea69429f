import { k8sAuditSchema } from '../../sources/k8s_audit/schema.js';
import { schemaPipeline } from './schema.js';

/**
 * Kubernetes audit: logsource product kubernetes, service audit (SigmaHQ adds category application,
 * which does not narrow it) -> table k8s_audit. Event fields map by lower-casing: `verb`,
 * `objectRef.resource` -> `objectref.resource`, `user.username`, `responseStatus.code`; paths into
 * `requestObject` become JSON extractions.
 */
export const k8sAuditPipeline = schemaPipeline({
  name: 'k8s_audit',
  schema: k8sAuditSchema,
  logsource: { product: 'kubernetes', service: 'audit' },
});

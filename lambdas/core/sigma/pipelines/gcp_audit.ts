import { gcpAuditSchema } from '../../sources/gcp_audit/schema.js';
import { SigmaError } from '../errors.js';
import { schemaPipeline } from './schema.js';
import type { Pipeline } from './types.js';

const base = schemaPipeline({
  name: 'gcp_audit',
  schema: gcpAuditSchema,
  logsource: { product: 'gcp', service: 'gcp.audit' },
  aliases: {
    // SigmaHQ's GCP rules mostly use the ECS name of the method.
    'gcp.audit.method_name': 'protopayload.methodname',
    // Two rules put LogEntry fields under protoPayload; they live on the entry itself.
    'data.protoPayload.logName': 'logname',
    'data.protoPayload.resource.type': 'resource.type',
  },
});

/**
 * GCP Cloud Audit Logs: logsource product gcp, service gcp.audit -> table gcp_audit. SigmaHQ's rules
 * name fields two ways: ECS (`gcp.audit.method_name`) and the LogEntry under a `data.` prefix
 * (`data.protoPayload.serviceName`, as a Pub/Sub message wraps it); the prefix is dropped and the
 * rest resolves against the schema (`protoPayload.serviceName` -> `protopayload.servicename`).
 */
export const gcpAuditPipeline: Pipeline = {
  ...base,
  field(name) {
    const aliased = /^(gcp\.audit\.method_name|data\.protoPayload\.(logName|resource\.type))$/i.test(name);
    const target = !aliased && /^data\./i.test(name) ? name.slice('data.'.length) : name;
    if (target === name) return base.field(name);
    try {
      return { ...base.field(target), sigma: name };
    } catch (err) {
      // Name the field as the rule spells it, not as rewritten.
      if (!(err instanceof SigmaError)) throw err;
      throw new SigmaError(err.reason.replaceAll(`'${target}'`, `'${name}'`), {
        ...err.location,
        field: name,
      });
    }
  },
};

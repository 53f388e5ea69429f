import { entraAuditSchema, entraSigninSchema } from '../../sources/entra_id/schema.js';
import { schemaPipeline } from './schema.js';
import type { Pipeline } from './types.js';

/**
 * SigmaHQ's Azure rules name fields two ways: as Log Analytics columns (`ResultType`,
 * `OperationName`) and as paths into the diagnostic export (`properties.targetResources`). The
 * tables hold the export's `properties` flattened, so a leading `properties.` is dropped before the
 * schema lookup; the name the rule used is kept for messages.
 */
export function withoutPrefix(inner: Pipeline, prefix: string): Pipeline {
  const lower = prefix.toLowerCase();
  return {
    ...inner,
    field(name) {
      const bare = name.toLowerCase().startsWith(lower) ? name.slice(prefix.length) : name;
      return bare === name ? inner.field(name) : { ...inner.field(bare), sigma: name };
    },
  };
}

/** Entra ID sign-ins: logsource product azure, service signinlogs -> table entra_signin_logs. */
export const entraSigninPipeline = withoutPrefix(
  schemaPipeline({
    name: 'entra_id_signinlogs',
    schema: entraSigninSchema,
    logsource: { product: 'azure', service: 'signinlogs' },
    // Log Analytics names that differ from the signIn resource's.
    aliases: { Username: 'userprincipalname', ClientApp: 'clientappused', IPAddress: 'ipaddress' },
  }),
  'properties.',
);

/** Entra ID directory audits: logsource product azure, service auditlogs -> table entra_audit_logs. */
export const entraAuditPipeline = withoutPrefix(
  schemaPipeline({
    name: 'entra_id_auditlogs',
    schema: entraAuditSchema,
    logsource: { product: 'azure', service: 'auditlogs' },
    aliases: {
      // Log Analytics' AuditLogs: Status and ResultDescription are the result; the activity is the message.
      Status: 'result',
      message: 'activitydisplayname',
      ActivityType: 'activitydisplayname',
      Target: 'targetresources',
    },
  }),
  'properties.',
);

import { googleWorkspaceSchema } from '../../sources/google_workspace/schema.js';
import type { LogSource } from '../types.js';
import { schemaPipeline } from './schema.js';
import type { Pipeline } from './types.js';

const inner = schemaPipeline({
  name: 'google_workspace',
  schema: googleWorkspaceSchema,
  logsource: {},
  // SigmaHQ writes its Workspace rules against the Cloud Logging export of the same events.
  aliases: {
    eventService: 'servicename',
    eventName: 'name',
    'protoPayload.serviceName': 'servicename',
    'protoPayload.metadata.event.eventName': 'name',
    'protoPayload.metadata.event.eventType': 'type',
    'protoPayload.authenticationInfo.principalEmail': 'actor.email',
    'protoPayload.requestMetadata.callerIp': 'ipaddress',
  },
});

const COLUMNS = new Set(googleWorkspaceSchema.columns.map((c) => c.name));
const ALIASED = /^(eventservice|eventname|protopayload\.)/i;

function applies(ls: LogSource): boolean {
  const product = ls.product?.toLowerCase();
  const service = ls.service?.toLowerCase() ?? '';
  return product === 'google_workspace' || (product === 'gcp' && service.startsWith('google_workspace'));
}

/**
 * Google Workspace: logsource product gcp with service google_workspace.admin / .login (SigmaHQ),
 * or product google_workspace -> table google_workspace. Event fields map to columns; any other
 * field (setting_name, new_value, login_type) is an event parameter, read from the parameters JSON
 * by its lower-cased name.
 */
export const googleWorkspacePipeline: Pipeline = {
  ...inner,
  appliesTo: applies,
  field(name) {
    const head = name.split('.')[0]?.toLowerCase() ?? '';
    if (COLUMNS.has(head) || ALIASED.test(name)) return inner.field(name);
    return {
      sigma: name,
      access: { kind: 'json', path: ['parameters'], keys: [name.toLowerCase()] },
      type: 'json',
    };
  },
};

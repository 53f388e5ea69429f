import { m365Schema } from '../../sources/m365/schema.js';
import { schemaPipeline } from './schema.js';
import type { Pipeline } from './types.js';

const inner = schemaPipeline({
  name: 'm365',
  schema: m365Schema,
  logsource: { product: 'm365' },
  // SigmaHQ's threat_management and exchange rules use generic names for the audit fields.
  aliases: { eventSource: 'workload', eventName: 'operation', status: 'resultstatus' },
});

/**
 * Microsoft 365 unified audit log: logsource product m365 (services audit, exchange,
 * threat_management...) -> table m365. Common-schema fields map by lower-casing; any other field
 * (Directionality, DeliveryAction, RequestType...) is a key of the `detail` JSON, where the record's
 * workload-specific fields and its name/value pairs are kept under the provider's spelling.
 */
export const m365Pipeline: Pipeline = {
  ...inner,
  field(name) {
    const head = name.split('.')[0]?.toLowerCase() ?? '';
    if (
      m365Schema.columns.some((c) => c.name === head) ||
      ['eventsource', 'eventname', 'status'].includes(head)
    ) {
      return inner.field(name);
    }
    return { sigma: name, access: { kind: 'json', path: ['detail'], keys: name.split('.') }, type: 'json' };
  },
};

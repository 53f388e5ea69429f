import { duoSchema } from '../../sources/duo/schema.js';
import { schemaPipeline } from './schema.js';

/**
 * Cisco Duo: logsource product cisco, service duo -> table duo, where authentication and
 * administrator logs sit side by side (`event_type: authentication`, `reason: bypass_user`,
 * `access_device.ip`, `user.name`, `action`). v1 field names map onto v2's.
 */
export const duoPipeline = schemaPipeline({
  name: 'duo',
  schema: duoSchema,
  logsource: { product: 'cisco', service: 'duo' },
  aliases: { ip: 'access_device.ip', integration: 'application.name', device: 'auth_device.name' },
});

import { oktaSchema } from '../../sources/okta/schema.js';
import { schemaPipeline } from './schema.js';

/**
 * Okta System Log: logsource product okta (service okta) -> table okta. LogEvent field names map by
 * lower-casing (eventType -> eventtype, securityContext.isProxy -> securitycontext.isproxy), and
 * paths into debugContext.debugData become JSON extractions (debugContext.debugData.requestUri).
 */
export const oktaPipeline = schemaPipeline({
  name: 'okta',
  schema: oktaSchema,
  logsource: { product: 'okta' },
});

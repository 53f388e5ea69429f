import { authErrors, errorSchema } from './openapi-parts.js';
import { ROUTE_MODULES } from './routes/index.js';

/** The API's OpenAPI 3.1 description, served at /api/openapi.json. */
export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mantissa Log API',
      version,
      description:
        'Alerts, read-only SQL over the lake, rules, and alert notifications (the outbox). Every route but health needs a bearer JWT.',
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: Object.assign({ Error: errorSchema }, ...ROUTE_MODULES.map((m) => m.schemas ?? {})),
    },
    paths: {
      '/api/v1/health': {
        get: {
          summary: 'Liveness',
          security: [],
          responses: { '200': { description: 'The service is up' } },
        },
      },
      ...Object.assign({}, ...ROUTE_MODULES.map((m) => m.paths)),
      '/api/openapi.json': {
        get: {
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1 document' }, ...authErrors },
        },
      },
    },
  };
}

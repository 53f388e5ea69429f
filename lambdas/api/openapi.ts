const error = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const alertSummary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    ruleId: { type: 'string' },
    ruleName: { type: 'string' },
    severity: { type: 'string', enum: ['critical', 'high', 'medium', 'low', 'info'] },
    title: { type: 'string' },
    description: { type: 'string' },
    category: { type: 'string' },
    mitreAttack: { type: 'array', items: { type: 'string' } },
    tags: { type: 'array', items: { type: 'string' } },
    status: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] },
    dedupKey: { type: 'string' },
    firstSeen: { type: 'string', format: 'date-time' },
    lastSeen: { type: 'string', format: 'date-time' },
    count: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

const alert = {
  allOf: [
    { $ref: '#/components/schemas/AlertSummary' },
    {
      type: 'object',
      properties: {
        evidence: { type: 'array', items: { type: 'object', additionalProperties: true } },
        history: { type: 'array', items: { type: 'object', additionalProperties: true } },
      },
    },
  ],
};

const common = {
  '401': errorResponse('Missing, invalid or expired token'),
  '403': errorResponse('The token lacks the role this needs'),
};

/** The API's OpenAPI 3.1 description, served at /api/openapi.json. */
export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mantissa Log API',
      version,
      description:
        'Alerts, read-only SQL over the lake, and rules. Every route but health needs a bearer JWT.',
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: error, AlertSummary: alertSummary, Alert: alert },
    },
    paths: {
      '/api/v1/health': {
        get: {
          summary: 'Liveness',
          security: [],
          responses: { '200': { description: 'The service is up' } },
        },
      },
      '/api/v1/alerts': {
        get: {
          summary: 'List alerts, newest first',
          parameters: [
            {
              name: 'status',
              in: 'query',
              schema: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] },
            },
            { name: 'severity', in: 'query', schema: { type: 'string' } },
            { name: 'rule', in: 'query', schema: { type: 'string' } },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            },
          ],
          responses: {
            '200': {
              description: 'Alerts',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      alerts: { type: 'array', items: { $ref: '#/components/schemas/AlertSummary' } },
                      count: { type: 'integer' },
                    },
                  },
                },
              },
            },
            '400': errorResponse('Bad filter'),
            ...common,
          },
        },
      },
      '/api/v1/alerts/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          summary: 'One alert with its evidence and history',
          responses: {
            '200': {
              description: 'The alert',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Alert' } } },
            },
            '404': errorResponse('No such alert'),
            ...common,
          },
        },
        patch: {
          summary: 'Change an alert’s status (analyst or admin)',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['status'],
                  additionalProperties: false,
                  properties: { status: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] } },
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'The updated alert',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Alert' } } },
            },
            '400': errorResponse('Bad body'),
            '404': errorResponse('No such alert'),
            ...common,
          },
        },
      },
      '/api/v1/sql': {
        post: {
          summary: 'Run one read-only SELECT over the lake’s tables (at most 10,000 rows, 120 s)',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['sql'],
                  additionalProperties: false,
                  properties: {
                    sql: { type: 'string' },
                    maxRows: { type: 'integer', minimum: 1, maximum: 10000 },
                  },
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'Result',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      columns: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: { name: { type: 'string' }, type: { type: 'string' } },
                        },
                      },
                      rows: { type: 'array', items: { type: 'object', additionalProperties: true } },
                      rowCount: { type: 'integer' },
                      truncated: { type: 'boolean' },
                    },
                  },
                },
              },
            },
            '400': errorResponse('SQL refused by validation, or the query failed'),
            '413': errorResponse('Body over 1 MiB'),
            '504': errorResponse('Query ran over 120 s'),
            ...common,
          },
        },
      },
      '/api/v1/rules': {
        get: { summary: 'Detection rules', responses: { '200': { description: 'Rules' }, ...common } },
      },
      '/api/openapi.json': {
        get: {
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1 document' }, ...common },
        },
      },
    },
  };
}

import { z } from 'zod';
import { guardSql, SqlRejectedError } from '../../core/query/sql-guard.js';
import { apiError } from '../errors.js';
import { authErrors, errorResponse } from '../openapi-parts.js';
import { type RouteModule, zodMessage } from '../types.js';

export const SQL_MAX_ROWS = 10_000;
export const SQL_TIMEOUT_MS = 120_000;

const SqlRequest = z.strictObject({
  sql: z.string().min(1).max(100_000),
  maxRows: z.number().int().min(1).optional(),
});

export const sqlRoutes: RouteModule = {
  register(app, deps) {
    app.post('/api/v1/sql', async (c) => {
      const body = SqlRequest.safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return apiError(c, 400, 'bad_request', `body: ${zodMessage(body.error)}`);
      try {
        guardSql(body.data.sql, { tables: deps.tables });
      } catch (err) {
        if (err instanceof SqlRejectedError) return apiError(c, 400, 'bad_request', err.message);
        throw err;
      }
      const maxRows = Math.min(body.data.maxRows ?? SQL_MAX_ROWS, SQL_MAX_ROWS);
      try {
        const result = await deps.query.query(body.data.sql, { maxRows, timeoutMs: SQL_TIMEOUT_MS });
        return c.json({ ...result, rowCount: result.rows.length });
      } catch (err) {
        const message = (err as Error).message;
        if ((err as Error).name === 'QueryTimeoutError') return apiError(c, 504, 'timeout', message);
        // Engine errors (unknown column, type mismatch) are the query's fault, and the message helps fix it.
        return apiError(c, 400, 'bad_request', `query failed: ${message}`);
      }
    });
  },
  paths: {
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
          ...authErrors,
        },
      },
    },
  },
};

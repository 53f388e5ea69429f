import { z } from 'zod';
import { type AskAnswer, AskError } from '../../core/query/ask.js';
import { toCsv } from '../../core/query/csv.js';
import { SESSION_ID } from '../../core/query/session.js';
import { BeyondTranslatorError } from '../../core/query/translator.js';
import { apiError } from '../errors.js';
import { authErrors, errorResponse } from '../openapi-parts.js';
import { type RouteModule, zodMessage } from '../types.js';

const QueryRequest = z.strictObject({
  question: z.string().trim().min(1).max(2000),
  sessionId: z.string().regex(SESSION_ID, 'must be 8-64 letters, digits, - or _').optional(),
  execute: z.boolean().optional(),
  confirm: z.boolean().optional(),
  format: z.enum(['json', 'csv']).optional(),
});

const RuleRequest = z.strictObject({ description: z.string().trim().min(1).max(2000) });

const STATUS = {
  beyond: 400,
  rejected: 400,
  query_failed: 400,
  estimate_failed: 502,
  not_found: 404,
  timeout: 504,
  llm: 502,
} as const;

export const queryRoutes: RouteModule = {
  register(app, deps) {
    app.post('/api/v1/query', async (c) => {
      const body = QueryRequest.safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return apiError(c, 400, 'bad_request', `body: ${zodMessage(body.error)}`);
      if (!deps.nl)
        return apiError(c, 404, 'not_found', 'natural-language questions are not configured here');
      const nl = await deps.nl();
      let answer: AskAnswer;
      try {
        answer = await nl.ask.ask({
          question: body.data.question,
          principal: c.get('principal').subject,
          ...(body.data.sessionId ? { sessionId: body.data.sessionId } : {}),
          ...(body.data.execute !== undefined ? { execute: body.data.execute } : {}),
          ...(body.data.confirm !== undefined ? { confirm: body.data.confirm } : {}),
        });
      } catch (err) {
        if (!(err instanceof AskError)) throw err;
        const code =
          err.code === 'timeout' ? 'timeout' : err.code === 'not_found' ? 'not_found' : 'bad_request';
        if (err.code === 'llm' || err.code === 'estimate_failed')
          return apiError(c, 502, 'internal', err.message);
        return apiError(c, STATUS[err.code], code, err.message);
      }
      const csv = body.data.format === 'csv' || (c.req.header('accept') ?? '').includes('text/csv');
      if (csv && answer.executed) {
        c.header('Content-Type', 'text/csv; charset=utf-8');
        c.header('Content-Disposition', 'attachment; filename="mantissa-query.csv"');
        c.header('X-Mantissa-Session', answer.sessionId);
        c.header('X-Mantissa-Translator', answer.translator);
        return c.body(toCsv(answer.columns, answer.rows));
      }
      // The estimate and the time bound are in the answer even when nothing ran, so the person can decide.
      return c.json(answer);
    });

    app.post('/api/v1/query/rule', async (c) => {
      const body = RuleRequest.safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return apiError(c, 400, 'bad_request', `body: ${zodMessage(body.error)}`);
      if (!deps.nl)
        return apiError(c, 404, 'not_found', 'natural-language questions are not configured here');
      try {
        return c.json(await (await deps.nl()).draftRule(body.data.description));
      } catch (err) {
        if (err instanceof BeyondTranslatorError) return apiError(c, 400, 'bad_request', err.message);
        throw err;
      }
    });
  },
  paths: {
    '/api/v1/query': {
      post: {
        summary: 'Ask a question in natural language: SQL, validation, cost estimate, then the answer',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['question'],
                additionalProperties: false,
                properties: {
                  question: { type: 'string', maxLength: 2000 },
                  sessionId: {
                    type: 'string',
                    description: 'Continue a conversation: follow-ups refine the last query',
                  },
                  execute: {
                    type: 'boolean',
                    default: true,
                    description: 'false: translate and estimate only',
                  },
                  confirm: {
                    type: 'boolean',
                    description: 'Run even when the estimate is above the threshold',
                  },
                  format: {
                    type: 'string',
                    enum: ['json', 'csv'],
                    description: 'csv (or Accept: text/csv): rows as CSV',
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The answer (or, with needsConfirmation, the estimate awaiting confirm: true)',
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/QueryAnswer' } },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          '400': errorResponse('Bad body, a question beyond the translator, or SQL refused after repairs'),
          '404': errorResponse('No such session (or not yours)'),
          '502': errorResponse('The language model failed'),
          '504': errorResponse('The query ran over 120 s'),
          ...authErrors,
        },
      },
    },
    '/api/v1/query/rule': {
      post: {
        summary: 'Draft a Sigma rule from a description, for review (never saved or enabled)',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['description'],
                additionalProperties: false,
                properties: { description: { type: 'string', maxLength: 2000 } },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The draft: YAML, its SQL, explanation, enabled: false',
            content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } },
          },
          '400': errorResponse('The description is beyond the drafter'),
          ...authErrors,
        },
      },
    },
  },
  schemas: {
    QueryAnswer: {
      type: 'object',
      required: ['sql', 'explanation', 'translator', 'estimate', 'columns', 'rows', 'sessionId'],
      properties: {
        question: { type: 'string' },
        sessionId: { type: 'string' },
        translator: { type: 'string', description: 'offline, or <provider>:<model>' },
        sql: { type: 'string' },
        explanation: { type: 'string' },
        assumptions: { type: 'array', items: { type: 'string' } },
        limit: { type: 'object', properties: { value: { type: 'integer' }, action: { type: 'string' } } },
        timeBound: { type: ['object', 'null'], description: 'The time bound added when the SQL had none' },
        estimate: {
          type: ['object', 'null'],
          properties: {
            bytes: { type: 'integer' },
            usd: { type: 'number' },
            files: { type: 'integer' },
            basis: { type: 'string' },
          },
        },
        needsConfirmation: { type: 'boolean' },
        executed: { type: 'boolean' },
        columns: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' }, type: { type: 'string' } } },
        },
        rows: { type: 'array', items: { type: 'object', additionalProperties: true } },
        rowCount: { type: 'integer' },
        truncated: { type: 'boolean' },
        repairs: {
          type: 'array',
          items: { type: 'object', properties: { sql: { type: 'string' }, error: { type: 'string' } } },
        },
        llm: { type: ['object', 'null'] },
        fallback: { type: ['string', 'null'] },
        cached: { type: 'boolean' },
      },
    },
  },
};

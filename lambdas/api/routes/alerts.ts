import type { Context } from 'hono';
import { z } from 'zod';
import { ALERT_STATUSES, type Alert, ENTITY_KINDS } from '../../core/alerts/model.js';
import { AlertNotFoundError, InvalidCursorError } from '../../core/alerts/store.js';
import { parseDuration } from '../../core/rules/sql-rule.js';
import { hasRole } from '../auth.js';
import { apiError } from '../errors.js';
import { authErrors, errorResponse } from '../openapi-parts.js';
import { type ApiApp, type RouteModule, zodMessage } from '../types.js';

const DEFAULT_SUPPRESSION = '7d';
const duration = z
  .string()
  .regex(/^\d+\s*[smhd]$/, 'a duration such as "12h" or "7d"')
  // Zod runs refinements after a failed regex too: only a well-formed duration is measured.
  .refine((d) => !/^\d+\s*[smhd]$/.test(d) || parseDuration(d) <= 90 * 86_400_000, 'at most 90d');

const FalsePositive = z.strictObject({
  /** Entity kinds the suppression is scoped to (default: every kind the alert has). */
  scope: z.array(z.enum(ENTITY_KINDS)).optional(),
  expiresIn: duration.default(DEFAULT_SUPPRESSION),
  reason: z.string().max(2_000).optional(),
});

const PatchAlert = z
  .strictObject({
    status: z.enum(ALERT_STATUSES).optional(),
    assignee: z.string().min(1).max(200).nullable().optional(),
  })
  .refine((b) => b.status !== undefined || b.assignee !== undefined, 'give status or assignee');

const Note = z.strictObject({ text: z.string().min(1).max(10_000) });

/** The alert as the API shows it: the dedup bookkeeping stays inside. */
function publicAlert({ evidenceHashes: _hashes, ...alert }: Alert) {
  return alert;
}

function summary(alert: Alert) {
  const { evidence: _evidence, history: _history, notes: _notes, ...rest } = publicAlert(alert);
  return rest;
}

const statusSchema = { type: 'string', enum: [...ALERT_STATUSES] };
const stringList = { type: 'array', items: { type: 'string' } };
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
    mitreAttack: stringList,
    tags: stringList,
    status: statusSchema,
    dedupKey: { type: 'string' },
    firstSeen: { type: 'string', format: 'date-time' },
    lastSeen: { type: 'string', format: 'date-time' },
    count: { type: 'integer' },
    entities: { type: 'object', properties: Object.fromEntries(ENTITY_KINDS.map((k) => [k, stringList])) },
    eventIds: stringList,
    assignee: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

const alertSchema = {
  allOf: [
    { $ref: '#/components/schemas/AlertSummary' },
    {
      type: 'object',
      properties: {
        evidence: { type: 'array', items: { type: 'object', additionalProperties: true } },
        notes: { type: 'array', items: { type: 'object', additionalProperties: true } },
        history: { type: 'array', items: { type: 'object', additionalProperties: true } },
      },
    },
  ],
};

type Ctx = Context<{ Variables: { principal: import('../auth.js').Principal } }>;

function canChange(c: Ctx): boolean {
  return hasRole(c.get('principal'), ['admin', 'analyst']);
}

async function body<T>(c: Ctx, schema: z.ZodType<T>): Promise<{ data: T } | { error: Response }> {
  const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) return { error: apiError(c, 400, 'bad_request', `body: ${zodMessage(parsed.error)}`) };
  return { data: parsed.data };
}

function registerTriage(app: ApiApp, deps: Parameters<RouteModule['register']>[1]): void {
  const notFound = (c: Ctx, err: unknown) => {
    if (err instanceof AlertNotFoundError) return apiError(c, 404, 'not_found', err.message);
    throw err;
  };
  /** The alert marked, with its suppression; AlertNotFoundError when there is no such alert. */
  const markFalsePositive = async (c: Ctx, opts: z.infer<typeof FalsePositive>) => {
    const id = c.req.param('id') as string;
    const current = await deps.alerts.get(id);
    if (!current) throw new AlertNotFoundError(`no alert with id ${id}`);
    const scope = opts.scope ?? ENTITY_KINDS.filter((k) => (current.entities[k] ?? []).length > 0);
    return deps.alerts.markFalsePositive(id, {
      by: c.get('principal').subject,
      now: deps.clock.now(),
      ttlMs: parseDuration(opts.expiresIn),
      scope,
      ...(opts.reason ? { reason: opts.reason } : {}),
    });
  };

  app.patch('/api/v1/alerts/:id', async (c) => {
    if (!canChange(c))
      return apiError(c, 403, 'forbidden', 'changing an alert needs the analyst or admin role');
    const parsed = await body(c, PatchAlert);
    if ('error' in parsed) return parsed.error;
    const { status, assignee } = parsed.data;
    const by = c.get('principal').subject;
    try {
      let alert: Alert | undefined;
      // false-positive through PATCH: the suppression gets the defaults (every entity kind, 7 days).
      if (status === 'false-positive')
        alert = (await markFalsePositive(c, { expiresIn: DEFAULT_SUPPRESSION })).alert;
      else if (status) alert = await deps.alerts.setStatus(c.req.param('id'), status, by, deps.clock.now());
      if (assignee !== undefined)
        alert = await deps.alerts.assign(c.req.param('id'), assignee, by, deps.clock.now());
      return c.json(publicAlert(alert as Alert));
    } catch (err) {
      return notFound(c, err);
    }
  });

  app.post('/api/v1/alerts/:id/false-positive', async (c) => {
    if (!canChange(c))
      return apiError(c, 403, 'forbidden', 'marking a false positive needs the analyst or admin role');
    const parsed = await body(c, FalsePositive);
    if ('error' in parsed) return parsed.error;
    try {
      const { alert, suppression } = await markFalsePositive(c, parsed.data);
      const { matchHashes: _h, ...shown } = suppression;
      return c.json({ alert: publicAlert(alert), suppression: shown });
    } catch (err) {
      return notFound(c, err);
    }
  });

  app.post('/api/v1/alerts/:id/notes', async (c) => {
    if (!canChange(c)) return apiError(c, 403, 'forbidden', 'commenting needs the analyst or admin role');
    const parsed = await body(c, Note);
    if ('error' in parsed) return parsed.error;
    try {
      const alert = await deps.alerts.addNote(
        c.req.param('id'),
        parsed.data.text,
        c.get('principal').subject,
        deps.clock.now(),
      );
      return c.json(publicAlert(alert));
    } catch (err) {
      return notFound(c, err);
    }
  });

  app.get('/api/v1/suppressions', async (c) =>
    c.json({
      suppressions: (await deps.alerts.suppressions.list(c.req.query('rule'))).map(
        ({ matchHashes: _h, ...s }) => s,
      ),
    }),
  );
}

export const alertRoutes: RouteModule = {
  register(app, deps) {
    app.get('/api/v1/alerts', async (c) => {
      const status = c.req.query('status');
      if (status && !ALERT_STATUSES.includes(status as Alert['status'])) {
        return apiError(c, 400, 'bad_request', `status must be one of ${ALERT_STATUSES.join(', ')}`);
      }
      const limitText = c.req.query('limit');
      const limit = limitText === undefined ? 100 : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        return apiError(c, 400, 'bad_request', 'limit must be an integer from 1 to 1000');
      }
      const since = c.req.query('since');
      if (since !== undefined && Number.isNaN(Date.parse(since))) {
        return apiError(c, 400, 'bad_request', 'since must be an ISO 8601 time');
      }
      try {
        const page = await deps.alerts.page(
          {
            status: status as Alert['status'] | undefined,
            severity: c.req.query('severity'),
            ruleId: c.req.query('rule'),
            assignee: c.req.query('assignee'),
            entity: c.req.query('entity'),
            since: since === undefined ? undefined : new Date(since).toISOString(),
            limit,
          },
          c.req.query('cursor'),
        );
        return c.json({
          alerts: page.alerts.map(summary),
          count: page.alerts.length,
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        });
      } catch (err) {
        if (err instanceof InvalidCursorError) return apiError(c, 400, 'bad_request', err.message);
        throw err;
      }
    });

    app.get('/api/v1/alerts/:id', async (c) => {
      const alert = await deps.alerts.get(c.req.param('id'));
      if (!alert) return apiError(c, 404, 'not_found', `no alert with id ${c.req.param('id')}`);
      return c.json(publicAlert(alert));
    });

    registerTriage(app, deps);
  },
  schemas: { AlertSummary: alertSummary, Alert: alertSchema },
  paths: {
    '/api/v1/alerts': {
      get: {
        summary: 'List alerts, newest first (by last seen), a page at a time',
        parameters: [
          { name: 'status', in: 'query', schema: statusSchema },
          { name: 'severity', in: 'query', schema: { type: 'string' } },
          { name: 'rule', in: 'query', schema: { type: 'string' } },
          { name: 'assignee', in: 'query', schema: { type: 'string' } },
          {
            name: 'entity',
            in: 'query',
            description: 'A user, IP, host, account or resource',
            schema: { type: 'string' },
          },
          {
            name: 'since',
            in: 'query',
            description: 'Last seen at or after',
            schema: { type: 'string', format: 'date-time' },
          },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
          {
            name: 'cursor',
            in: 'query',
            description: 'nextCursor of the previous page',
            schema: { type: 'string' },
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
                    nextCursor: { type: 'string' },
                  },
                },
              },
            },
          },
          '400': errorResponse('Bad filter or cursor'),
          ...authErrors,
        },
      },
    },
    '/api/v1/alerts/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        summary: 'One alert with its evidence, notes and history',
        responses: {
          '200': {
            description: 'The alert',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Alert' } } },
          },
          '404': errorResponse('No such alert'),
          ...authErrors,
        },
      },
      patch: {
        summary: 'Change an alert’s status or assignee (analyst or admin); false-positive also suppresses',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: { status: statusSchema, assignee: { type: ['string', 'null'] } },
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
          ...authErrors,
        },
      },
    },
    '/api/v1/alerts/{id}/false-positive': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      post: {
        summary: 'Mark a false positive and suppress the rule for its entities until the suppression expires',
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  scope: { type: 'array', items: { type: 'string', enum: [...ENTITY_KINDS] } },
                  expiresIn: { type: 'string', default: DEFAULT_SUPPRESSION },
                  reason: { type: 'string' },
                },
              },
            },
          },
        },
        responses: {
          '200': { description: 'The alert and the suppression' },
          '400': errorResponse('Bad body'),
          '404': errorResponse('No such alert'),
          ...authErrors,
        },
      },
    },
    '/api/v1/alerts/{id}/notes': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      post: {
        summary: 'Comment on an alert (analyst or admin)',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
            },
          },
        },
        responses: {
          '200': {
            description: 'The alert',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Alert' } } },
          },
          '400': errorResponse('Bad body'),
          '404': errorResponse('No such alert'),
          ...authErrors,
        },
      },
    },
    '/api/v1/suppressions': {
      get: {
        summary: 'Live suppressions, with how many matches each stopped',
        parameters: [{ name: 'rule', in: 'query', schema: { type: 'string' } }],
        responses: { '200': { description: 'Suppressions' }, ...authErrors },
      },
    },
  },
};

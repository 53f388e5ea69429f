import { z } from 'zod';
import { ALERT_STATUSES, type Alert } from '../../core/alerts/model.js';
import { AlertNotFoundError } from '../../core/alerts/store.js';
import { hasRole } from '../auth.js';
import { apiError } from '../errors.js';
import { authErrors, errorResponse } from '../openapi-parts.js';
import { type RouteModule, zodMessage } from '../types.js';

const PatchAlert = z.strictObject({ status: z.enum(ALERT_STATUSES) });

/** The alert as the API shows it: the dedup bookkeeping stays inside. */
function publicAlert({ evidenceHashes: _hashes, ...alert }: Alert) {
  return alert;
}

function summary(alert: Alert) {
  const { evidence: _evidence, history: _history, ...rest } = publicAlert(alert);
  return rest;
}

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

const alertSchema = {
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
      const alerts = await deps.alerts.list({
        status: status as Alert['status'] | undefined,
        severity: c.req.query('severity'),
        ruleId: c.req.query('rule'),
        limit,
      });
      return c.json({ alerts: alerts.map(summary), count: alerts.length });
    });

    app.get('/api/v1/alerts/:id', async (c) => {
      const alert = await deps.alerts.get(c.req.param('id'));
      if (!alert) return apiError(c, 404, 'not_found', `no alert with id ${c.req.param('id')}`);
      return c.json(publicAlert(alert));
    });

    app.patch('/api/v1/alerts/:id', async (c) => {
      if (!hasRole(c.get('principal'), ['admin', 'analyst'])) {
        return apiError(c, 403, 'forbidden', 'changing an alert needs the analyst or admin role');
      }
      const body = PatchAlert.safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return apiError(c, 400, 'bad_request', `body: ${zodMessage(body.error)}`);
      try {
        const alert = await deps.alerts.setStatus(
          c.req.param('id'),
          body.data.status,
          c.get('principal').subject,
          deps.clock.now(),
        );
        return c.json(publicAlert(alert));
      } catch (err) {
        if (err instanceof AlertNotFoundError) return apiError(c, 404, 'not_found', err.message);
        throw err;
      }
    });
  },
  schemas: { AlertSummary: alertSummary, Alert: alertSchema },
  paths: {
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
          ...authErrors,
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
          ...authErrors,
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
          ...authErrors,
        },
      },
    },
  },
};

import type { OutboxItem, OutboxState } from '../../core/ports/outbox.js';
import { hasRole } from '../auth.js';
import { apiError } from '../errors.js';
import { authErrors, errorResponse } from '../openapi-parts.js';
import type { RouteModule } from '../types.js';

const STATES: readonly OutboxState[] = ['pending', 'delivered', 'dead'];

/**
 * An outbox item as the API shows it, field by field: what was to be sent where, and how it went.
 * Built from an allowlist, so nothing an adapter keeps on its record (a lease, an SQS receipt
 * handle) can leak. Destinations are named, never resolved: no URL, token or key is ever here, and
 * `lastError` was scrubbed of every secret value before it was stored (core/alerts/outbox/deliver.ts).
 */
export function outboxView(item: OutboxItem) {
  return {
    id: item.message.id,
    destination: item.message.destination,
    alertId: item.message.alertId,
    event: item.message.event,
    state: item.state,
    attempts: item.attempts,
    lastError: item.lastError ?? null,
    availableAt: item.availableAt,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** Redelivery as an audit line in the function's (or server's) log: who sent what out again. */
function audit(by: string, target: string, redelivered: number): void {
  console.log(JSON.stringify({ message: 'outbox redeliver', by, target, redelivered }));
}

const outboxItem = {
  type: 'object',
  required: ['id', 'destination', 'alertId', 'event', 'state', 'attempts', 'lastError'],
  properties: {
    id: { type: 'string', description: '<alertId>:<destination>:<event>' },
    destination: { type: 'string', description: 'The destination name from config.yaml' },
    alertId: { type: 'string' },
    event: { type: 'string', enum: ['trigger', 'escalate', 'resolve'] },
    state: { type: 'string', enum: [...STATES] },
    attempts: { type: 'integer' },
    lastError: { type: ['string', 'null'], description: 'Error of the last failed attempt' },
    availableAt: { type: 'string', format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
const redelivered = {
  description: 'How many dead letters were put back on the outbox',
  content: {
    'application/json': {
      schema: { type: 'object', properties: { redelivered: { type: 'integer' } } },
    },
  },
};

/**
 * Alert notifications: what is waiting, delivered or dead-lettered, and sending dead letters again.
 * Reading needs the analyst role (errors name destinations and what they answered); redelivering,
 * which sends alerts out again, needs admin. The same routes serve the local outbox (SQLite, the
 * server's delivery loop sends what was put back) and the deployed one (the state table holds the
 * records; redelivering sends a fresh message to the outbox queue, which the router consumes).
 */
export const outboxRoutes: RouteModule = {
  register(app, deps) {
    const missing = 'alert notifications are not kept by this deployment';
    const forbidden = 'redelivering notifications needs the admin role';

    app.get('/api/v1/outbox', async (c) => {
      if (!hasRole(c.get('principal'), ['admin', 'analyst']))
        return apiError(c, 403, 'forbidden', 'the outbox needs the analyst or admin role');
      if (!deps.outbox) return apiError(c, 404, 'not_found', missing);
      const state = c.req.query('state');
      if (state !== undefined && !STATES.includes(state as OutboxState))
        return apiError(c, 400, 'bad_request', `state must be one of ${STATES.join(', ')}`);
      const limitText = c.req.query('limit');
      const limit = limitText === undefined ? 100 : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        return apiError(c, 400, 'bad_request', 'limit must be an integer from 1 to 1000');
      const items = (
        await deps.outbox.list({ ...(state ? { state: state as OutboxState } : {}), limit })
      ).map(outboxView);
      return c.json({ items, count: items.length });
    });

    app.post('/api/v1/outbox/redeliver', async (c) => {
      if (!hasRole(c.get('principal'), ['admin'])) return apiError(c, 403, 'forbidden', forbidden);
      if (!deps.outbox) return apiError(c, 404, 'not_found', missing);
      const moved = await deps.outbox.redeliver({ all: true }, deps.clock.now());
      audit(c.get('principal').subject, '*', moved);
      return c.json({ redelivered: moved });
    });

    app.post('/api/v1/outbox/:id/redeliver', async (c) => {
      if (!hasRole(c.get('principal'), ['admin'])) return apiError(c, 403, 'forbidden', forbidden);
      if (!deps.outbox) return apiError(c, 404, 'not_found', missing);
      const id = c.req.param('id');
      const item = await deps.outbox.get(id);
      if (!item) return apiError(c, 404, 'not_found', `no outbox item with id ${id}`);
      // Redelivering what is pending or delivered would send it twice; only dead letters go again.
      const notDead = (state: string) =>
        apiError(c, 409, 'conflict', `${id} is ${state}, not dead: only dead letters are redelivered`);
      if (item.state !== 'dead') return notDead(item.state);
      const moved = await deps.outbox.redeliver({ id }, deps.clock.now());
      audit(c.get('principal').subject, id, moved);
      const now = await deps.outbox.get(id);
      // Another admin got there first: report the state it is in now.
      if (moved === 0) return notDead(now?.state ?? 'gone');
      return c.json({ redelivered: moved, item: now ? outboxView(now) : null });
    });
  },
  paths: {
    '/api/v1/outbox': {
      get: {
        summary: 'Alert notifications, newest first (analyst, admin); state=dead lists dead letters',
        parameters: [
          { name: 'state', in: 'query', schema: { type: 'string', enum: [...STATES] } },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        ],
        responses: {
          '200': {
            description: 'Outbox items',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    items: { type: 'array', items: { $ref: '#/components/schemas/OutboxItem' } },
                    count: { type: 'integer' },
                  },
                },
              },
            },
          },
          '400': errorResponse('Bad query'),
          '404': errorResponse('This deployment keeps no outbox'),
          ...authErrors,
        },
      },
    },
    '/api/v1/outbox/redeliver': {
      post: {
        summary: 'Send every dead letter again (admin)',
        responses: {
          '200': redelivered,
          '404': errorResponse('This deployment keeps no outbox'),
          ...authErrors,
        },
      },
    },
    '/api/v1/outbox/{id}/redeliver': {
      post: {
        summary: 'Send one dead letter again (admin)',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'Put back on the outbox, with its record',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    redelivered: { type: 'integer' },
                    item: { $ref: '#/components/schemas/OutboxItem' },
                  },
                },
              },
            },
          },
          '404': errorResponse('No outbox item with this id'),
          '409': errorResponse('The item is not a dead letter'),
          ...authErrors,
        },
      },
    },
  },
  schemas: { OutboxItem: outboxItem },
};

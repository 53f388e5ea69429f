import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ALERT_STATUSES, type Alert } from '../core/alerts/model.js';
import { AlertNotFoundError, type AlertStore } from '../core/alerts/store.js';
import type { Clock } from '../core/ports/clock.js';
import type { QueryEngine } from '../core/ports/query-engine.js';
import { guardSql, SqlRejectedError } from '../core/query/sql-guard.js';
import type { SqlRule } from '../core/rules/sql-rule.js';
import { AuthError, hasRole, type Principal, type TokenVerifier } from './auth.js';
import { apiError } from './errors.js';
import { openApiDocument } from './openapi.js';

export interface ApiDeps {
  verifier: TokenVerifier;
  alerts: AlertStore;
  query: QueryEngine;
  clock: Clock;
  /** Tables SQL may read. */
  tables: readonly string[];
  rules: () => readonly SqlRule[];
  version: string;
}

export const SQL_MAX_ROWS = 10_000;
export const SQL_TIMEOUT_MS = 120_000;

const PatchAlert = z.strictObject({ status: z.enum(ALERT_STATUSES) });
const SqlRequest = z.strictObject({
  sql: z.string().min(1).max(100_000),
  maxRows: z.number().int().min(1).optional(),
});

/** The alert as the API shows it: the dedup bookkeeping stays inside. */
function publicAlert({ evidenceHashes: _hashes, ...alert }: Alert) {
  return alert;
}

function summary(alert: Alert) {
  const { evidence: _evidence, history: _history, ...rest } = publicAlert(alert);
  return rest;
}

/** The HTTP API: one Hono app, served by the local server and by the API Lambda. */
export function createApi(deps: ApiDeps) {
  const app = new Hono<{ Variables: { principal: Principal } }>();

  app.onError((err, c) => {
    console.error(`[api] ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    return apiError(c, 500, 'internal', 'internal error; see the server log');
  });
  app.notFound((c) => apiError(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));

  app.get('/api/v1/health', (c) =>
    c.json({ status: 'ok', version: deps.version, time: deps.clock.now().toISOString() }),
  );

  // Everything below needs a verified token. There is deliberately no way to switch this off.
  app.use('/api/*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1])
      return apiError(c, 401, 'unauthorized', 'missing bearer token (Authorization: Bearer <JWT>)');
    try {
      c.set('principal', await deps.verifier.verify(match[1]));
    } catch (err) {
      if (err instanceof AuthError) return apiError(c, 401, 'unauthorized', err.message);
      throw err;
    }
    if (c.get('principal').roles.length === 0)
      return apiError(c, 403, 'forbidden', 'token has no Mantissa Log role');
    await next();
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: (c) => {
        // The rest of the body is never read: close the connection so a client cannot reuse it.
        c.header('Connection', 'close');
        return apiError(c, 413, 'payload_too_large', 'body over 1 MiB');
      },
    }),
  );

  app.get('/api/openapi.json', (c) => c.json(openApiDocument(deps.version)));

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

  app.get('/api/v1/rules', (c) =>
    c.json({
      rules: deps.rules().map((r) => ({
        id: r.id,
        name: r.name,
        description: r.description,
        enabled: r.enabled,
        severity: r.severity,
        category: r.category,
        threshold: r.threshold,
        metadata: r.metadata,
        query: r.query,
      })),
    }),
  );

  return app;
}

function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

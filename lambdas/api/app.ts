import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AuthError } from './auth.js';
import { apiError } from './errors.js';
import { openApiDocument } from './openapi.js';
import { ROUTE_MODULES } from './routes/index.js';
import type { ApiApp, ApiDeps } from './types.js';

export { SQL_MAX_ROWS, SQL_TIMEOUT_MS } from './routes/sql.js';
export type { ApiDeps } from './types.js';

/** The HTTP API: one Hono app, served by the local server and by the API Lambda. */
export function createApi(deps: ApiDeps) {
  const app: ApiApp = new Hono();

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

  for (const module of ROUTE_MODULES) module.register(app, deps);

  return app;
}

/**
 * Local peers for the console as deployed on AWS: CloudFront serving web/ and config.json, Cognito's
 * hosted UI (authorize, token, logout) checking the OAuth 2.0 authorization-code + PKCE contract the
 * app client is configured for (lib/auth.ts), and API Gateway in front of the real API handler
 * (createApiHandler), answering CORS preflights as `defaultCorsPreflightOptions` does (lib/api.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/functions.js';
import { restApiEvent } from '../aws/events.js';

export interface Peer {
  url: string;
  close(): Promise<void>;
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Peer & { server: Server }> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A server whose URL is known before what it serves is: the peers name each other. */
export async function reserve(): Promise<
  Peer & { serve(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): void }
> {
  let current: ((req: IncomingMessage, res: ServerResponse) => void | Promise<void>) | undefined;
  const peer = await listen((req, res) => {
    if (!current) {
      res.writeHead(503).end();
      return;
    }
    return current(req, res) as void;
  });
  return { ...peer, serve: (handler) => (current = handler) };
}

/** CloudFront: the console's files, config.json, the app shell for unknown paths, and a CSP. */
export function consoleFiles(config: Record<string, string>, csp: string) {
  const files: Record<string, [string, string]> = {
    '/index.html': [
      readFileSync(join(PROJECT_ROOT, 'web', 'index.html'), 'utf8'),
      'text/html; charset=utf-8',
    ],
    '/console.js': [readFileSync(join(PROJECT_ROOT, 'web', 'console.js'), 'utf8'), 'text/javascript'],
    '/console.css': [readFileSync(join(PROJECT_ROOT, 'web', 'console.css'), 'utf8'), 'text/css'],
    '/config.json': [JSON.stringify(config), 'application/json'],
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const [body, type] = files[path] ?? files['/index.html'] ?? ['', 'text/plain'];
    res.writeHead(200, { 'content-type': type, 'content-security-policy': csp }).end(body);
  };
}

export interface HostedUiLog {
  authorize: Record<string, string>[];
  token: Record<string, string>[];
  logout: Record<string, string>[];
  /** Contract violations, in the words Cognito would answer with. */
  refused: string[];
}

/**
 * Cognito's hosted UI for one public app client: /oauth2/authorize signs the user in at once (the
 * login form is Cognito's business) and redirects back with a code, /oauth2/token trades the code
 * for tokens only with the PKCE verifier matching the S256 challenge, the same client and redirect
 * URI, once; /logout redirects to an allowed logout URI. `deny` makes authorize answer with an error.
 */
export function hostedUi(opts: {
  clientId: string;
  consoleOrigin: string;
  idToken: () => Promise<string>;
  log: HostedUiLog;
  deny?: () => boolean;
}) {
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  const callback = `${opts.consoleOrigin}/`;
  const cors = { 'access-control-allow-origin': opts.consoleOrigin };
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
      opts.log.authorize.push(query);
      const problem =
        query.response_type !== 'code'
          ? 'unsupported_response_type'
          : query.client_id !== opts.clientId
            ? 'invalid client_id'
            : query.redirect_uri !== callback
              ? 'redirect_mismatch'
              : query.code_challenge_method !== 'S256' || !/^[\w-]{43}$/.test(query.code_challenge ?? '')
                ? 'invalid code_challenge'
                : !(query.scope ?? '').split(' ').includes('openid')
                  ? 'invalid_scope'
                  : undefined;
      if (problem) {
        opts.log.refused.push(problem);
        res.writeHead(400).end(problem);
        return;
      }
      const back = new URL(callback);
      if (opts.deny?.()) {
        back.search = new URLSearchParams({
          error: 'access_denied',
          error_description: 'User is not confirmed.',
          state: query.state ?? '',
        }).toString();
      } else {
        const code = randomBytes(16).toString('hex');
        codes.set(code, {
          challenge: query.code_challenge ?? '',
          redirectUri: query.redirect_uri ?? '',
          clientId: query.client_id ?? '',
        });
        back.search = new URLSearchParams({ code, state: query.state ?? '' }).toString();
      }
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      const form = Object.fromEntries(new URLSearchParams(await bodyOf(req)));
      opts.log.token.push(form);
      const grant = codes.get(form.code ?? '');
      codes.delete(form.code ?? '');
      const verifierHash = createHash('sha256')
        .update(form.code_verifier ?? '')
        .digest('base64url');
      const problem = !(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
        ? 'invalid_request'
        : form.grant_type !== 'authorization_code'
          ? 'unsupported_grant_type'
          : !grant
            ? 'invalid_grant'
            : form.client_id !== grant.clientId || form.redirect_uri !== grant.redirectUri
              ? 'invalid_grant'
              : verifierHash !== grant.challenge
                ? 'invalid_grant'
                : undefined;
      if (problem) {
        opts.log.refused.push(problem);
        res
          .writeHead(400, { 'content-type': 'application/json', ...cors })
          .end(JSON.stringify({ error: problem }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', ...cors }).end(
        JSON.stringify({
          id_token: await opts.idToken(),
          access_token: 'access-token-the-console-must-not-use',
          refresh_token: 'refresh-token',
          token_type: 'Bearer',
          expires_in: 3600,
        }),
      );
      return;
    }
    if (req.method === 'GET' && url.pathname === '/logout') {
      opts.log.logout.push(query);
      if (query.client_id !== opts.clientId || query.logout_uri !== callback) {
        opts.log.refused.push('invalid logout request');
        res.writeHead(400).end('invalid logout request');
        return;
      }
      res.writeHead(302, { location: query.logout_uri }).end();
      return;
    }
    res.writeHead(404).end();
  };
}

export interface GatewayLog {
  /** Method, path and Authorization header of each request the function received. */
  calls: { method: string; path: string; authorization: string | undefined }[];
  preflights: number;
}

/**
 * API Gateway's REST stage `prod`: preflights answered by the gateway for the console origin only
 * (lib/api.ts defaultCorsPreflightOptions), every other request passed to the Lambda handler as a
 * payload 1.0 proxy event and its result written back.
 */
export function apiGateway(opts: {
  consoleOrigin: string;
  handler: (event: ReturnType<typeof restApiEvent>) => Promise<{
    statusCode: number;
    body: string;
    headers?: Record<string, unknown>;
    multiValueHeaders?: Record<string, unknown>;
  }>;
  log: GatewayLog;
}) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/prod/')) {
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"Forbidden"}');
      return;
    }
    const path = url.pathname.slice('/prod'.length);
    if (req.method === 'OPTIONS') {
      opts.log.preflights += 1;
      const allowed = req.headers.origin === opts.consoleOrigin;
      res
        .writeHead(204, {
          ...(allowed ? { 'access-control-allow-origin': opts.consoleOrigin, vary: 'Origin' } : {}),
          'access-control-allow-methods': 'GET,POST,PATCH,OPTIONS',
          'access-control-allow-headers': 'Authorization,Content-Type',
          'access-control-max-age': '3600',
        })
        .end();
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    opts.log.calls.push({ method: req.method ?? '', path, authorization: headers.authorization });
    const body = await bodyOf(req);
    const query = Object.fromEntries(url.searchParams);
    const result = await opts.handler(
      restApiEvent({
        method: req.method ?? 'GET',
        path,
        headers,
        ...(Object.keys(query).length > 0 ? { query } : {}),
        ...(body ? { body } : {}),
      }),
    );
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...result.headers, ...result.multiValueHeaders }))
      out[k] = Array.isArray(v) ? v.map(String).join(', ') : String(v);
    res.writeHead(result.statusCode, out).end(result.body);
  };
}

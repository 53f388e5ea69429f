import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApi } from '../../api/app.js';
import type { CycleReport } from '../../core/detection/cycle.js';
import { type LocalRuntime, PACKAGE_ROOT } from './runtime.js';

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  port: number;
  host?: string;
  /** Milliseconds between detection cycles; 0 turns the scheduler off. */
  detectEveryMs: number;
  onCycle?: (report: CycleReport) => void;
  onCycleError?: (err: Error) => void;
  version: string;
}

/**
 * The local instance's HTTP server (API and console) and its in-process detection scheduler.
 * Cycles never overlap: the next is scheduled only when the previous one has finished.
 */
export async function startLocalServer(runtime: LocalRuntime, opts: ServeOptions): Promise<LocalServer> {
  const key = await runtime.signingKey();
  let rules = (await runtime.rules()).rules;
  const api = createApi({
    verifier: key.verifier(),
    alerts: runtime.alerts,
    query: await runtime.query(),
    clock: runtime.clock,
    tables: runtime.tables,
    rules: () => rules,
    version: opts.version,
  });
  const app = new Hono();
  // The console: three static files, served with headers that keep log content inert.
  const files = {
    '/': ['index.html', 'text/html; charset=utf-8'],
    '/console.js': ['console.js', 'text/javascript; charset=utf-8'],
    '/console.css': ['console.css', 'text/css; charset=utf-8'],
  } as const;
  for (const [path, [file, type]] of Object.entries(files)) {
    const body = await readFile(join(PACKAGE_ROOT, 'web', file), 'utf8');
    app.get(path, (c) => {
      c.header('Content-Type', type);
      c.header('Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'");
      c.header('X-Frame-Options', 'DENY');
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Referrer-Policy', 'no-referrer');
      return c.body(body);
    });
  }
  app.route('/', api);

  const host = opts.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: opts.port }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const cycle = async () => {
    try {
      const report = await runtime.detect();
      rules = (await runtime.rules()).rules;
      opts.onCycle?.(report);
    } catch (err) {
      opts.onCycleError?.(err as Error);
    }
  };
  const schedule = () => {
    if (stopped || opts.detectEveryMs <= 0) return;
    timer = setTimeout(() => {
      running = cycle().finally(schedule);
    }, opts.detectEveryMs);
  };
  schedule();

  return {
    url: `http://${host}:${port}`,
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

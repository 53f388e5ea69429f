import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApi } from '../../api/app.js';
import type { CycleReport } from '../../core/detection/cycle.js';
import { localNaturalLanguage } from '../llm/local.js';
import { startDeliveryLoop, type TickReport } from './outbox-delivery.js';
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
  /**
   * Milliseconds between alert-delivery ticks (route, then drain the outbox); 0 turns it off.
   * @default 5000, or 0 when detection is off
   */
  deliverEveryMs?: number;
  onDelivery?: (report: TickReport) => void;
  onDeliveryError?: (err: Error) => void;
  version: string;
}

/**
 * The local instance's HTTP server (API and console) and its in-process detection scheduler.
 * Cycles never overlap: the next is scheduled only when the previous one has finished.
 */
export async function startLocalServer(runtime: LocalRuntime, opts: ServeOptions): Promise<LocalServer> {
  const key = await runtime.signingKey();
  let rules = (await runtime.rules()).rules;
  // Built on the first question, so a server that is never asked one never opens the estimator.
  let nl: ReturnType<typeof localNaturalLanguage> | undefined;
  const api = createApi({
    verifier: key.verifier(),
    alerts: runtime.alerts,
    query: await runtime.query(),
    clock: runtime.clock,
    tables: runtime.tables,
    rules: () => rules,
    sigmaRules: async () => {
      const { sigma } = await runtime.rules();
      return [...sigma.events, ...sigma.queries];
    },
    state: runtime.state,
    // The delivery loop below drains this same outbox, so a redelivered dead letter goes out at its next tick.
    outbox: runtime.delivery().outbox,
    nl: () => {
      nl ??= localNaturalLanguage(runtime);
      return nl;
    },
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

  const delivery = startDeliveryLoop(runtime.delivery(), {
    everyMs: opts.deliverEveryMs ?? (opts.detectEveryMs > 0 ? 5_000 : 0),
    ...(opts.onDelivery ? { onTick: opts.onDelivery } : {}),
    ...(opts.onDeliveryError ? { onError: opts.onDeliveryError } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const cycle = async () => {
    try {
      const report = await runtime.detect();
      rules = (await runtime.rules()).rules;
      opts.onCycle?.(report);
      delivery.kick(); // routes what the cycle raised and delivers it without waiting for the next tick
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
      await delivery.stop();
      await new Promise<void>((done) => server.close(() => done()));
      // A failed build (a bad LLM setting) has nothing to close.
      if (nl) await (await nl.catch(() => undefined))?.close();
    },
  };
}

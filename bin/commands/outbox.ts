import type { OutboxState } from '../../lambdas/core/ports/outbox.js';
import { type Command, intOption, parse } from './command.js';
import { printJson, printTable, progress, UsageError } from './output.js';

const STATES: readonly OutboxState[] = ['pending', 'delivered', 'dead'];
const COLUMNS = ['id', 'state', 'attempts', 'availableAt', 'lastError'];

/** The environment variable holding the bearer token for `--api` (never a flag: flags end up in `ps`). */
export const TOKEN_ENV = 'MANTISSA_TOKEN';

/**
 * The outbox of another instance, through its HTTP API: a deployed stack (its `ApiUrl` output) or
 * a local server. Everything goes through the API's own role checks; the CLI only carries the token.
 */
function remote(api: string, env: NodeJS.ProcessEnv) {
  let base: URL;
  try {
    base = new URL(api.endsWith('/') ? api : `${api}/`);
  } catch {
    throw new UsageError(`--api must be a URL, such as the stack's ApiUrl output`);
  }
  const token = env[TOKEN_ENV];
  if (!token) {
    throw new UsageError(
      `--api needs a bearer token in ${TOKEN_ENV} (a Cognito ID token on AWS; locally: mantissa token --role admin)`,
    );
  }
  // Relative to the base, so a stage path (…/prod/) is kept.
  const call = async (method: 'GET' | 'POST', path: string) => {
    const res = await fetch(new URL(path, base), {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown> & {
      error?: { message?: string };
    };
    if (!res.ok) {
      const message = body.error?.message;
      throw new Error(`${method} ${path}: HTTP ${res.status}${message ? `: ${message}` : ''}`);
    }
    return body;
  };
  return {
    list: (state: OutboxState | undefined, limit: number) =>
      call(
        'GET',
        `api/v1/outbox?${new URLSearchParams({ ...(state ? { state } : {}), limit: String(limit) })}`,
      ),
    redeliver: async (target: { id: string } | { all: true }) => {
      // Outbox ids are `<alert id>:<destination>:<event>`; ":" is legal in a path segment.
      const path =
        'id' in target
          ? `api/v1/outbox/${encodeURIComponent(target.id).replaceAll('%3A', ':')}/redeliver`
          : 'api/v1/outbox/redeliver';
      return Number((await call('POST', path)).redelivered ?? 0);
    },
  };
}

/**
 * `mantissa outbox` lists alert notifications waiting, delivered or dead-lettered;
 * `mantissa outbox retry` puts dead letters back in line (the running instance delivers them at its
 * next tick); `mantissa outbox deliver` delivers what is due now, from this process. With `--api URL`
 * `list` and `retry` act on that instance's outbox through its HTTP API instead (a deployed stack,
 * where the alert router delivers, so there is no remote `deliver`).
 */
export const outboxCommand: Command = {
  name: 'outbox',
  usage:
    'mantissa outbox [list [--state pending|delivered|dead] [--limit N] | retry (--id ID | --all) | deliver] [--api URL] [--json]',
  async run(runtime, args) {
    const { values, positionals } = parse(args, {
      state: { type: 'string' },
      limit: { type: 'string' },
      id: { type: 'string' },
      all: { type: 'boolean' },
      api: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [sub = 'list', ...extra] = positionals;
    if (extra.length) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const api = values.api === undefined ? undefined : remote(values.api, process.env);

    if (sub === 'list') {
      const state = values.state as OutboxState | undefined;
      if (state !== undefined && !STATES.includes(state))
        throw new UsageError(`--state must be one of ${STATES.join(', ')}`);
      const limit = intOption(values.limit, 'limit', 1, 1_000) ?? (api ? 100 : 1_000);
      if (api) {
        const answer = await api.list(state, limit);
        if (values.json) printJson(answer);
        // The API's items are flat (lambdas/api/routes/outbox.ts): the id is a field of its own.
        else printTable(COLUMNS, (answer.items ?? []) as Record<string, unknown>[]);
        return 0;
      }
      const items = await runtime.delivery().outbox.list({ ...(state ? { state } : {}), limit });
      if (values.json) printJson({ items, count: items.length });
      else {
        printTable(
          COLUMNS,
          items.map((i) => ({ ...i, id: i.message.id })),
        );
      }
      return 0;
    }
    if (sub === 'retry') {
      if (Boolean(values.id) === Boolean(values.all))
        throw new UsageError('outbox retry takes --id ID or --all');
      const target = values.id ? { id: values.id } : ({ all: true } as const);
      let moved: number;
      try {
        moved = api
          ? await api.redeliver(target)
          : await runtime.delivery().outbox.redeliver(target, runtime.clock.now());
      } catch (err) {
        // The API answers 404/409 for an id that is not a dead letter: the same outcome as locally.
        if (!(api && values.id && /HTTP (404|409)/.test((err as Error).message))) throw err;
        progress((err as Error).message);
        moved = 0;
      }
      if (values.json) printJson({ redelivered: moved });
      else process.stdout.write(`${moved} dead letter${moved === 1 ? '' : 's'} queued for delivery again\n`);
      if (values.id && moved === 0) {
        progress(`no dead letter with id ${values.id} (see: mantissa outbox list --state dead)`);
        return 1;
      }
      return 0;
    }
    if (sub === 'deliver') {
      if (api)
        throw new UsageError('outbox deliver acts on the local outbox only (on AWS the router delivers)');
      const { routing, drain } = await runtime.delivery().tick();
      if (values.json) printJson({ routing, drain });
      else {
        process.stdout.write(
          `${drain.delivered} delivered, ${drain.retried} to retry, ${drain.deadLettered} dead-lettered, ${drain.skipped} skipped\n`,
        );
        for (const r of drain.records)
          if (r.error) process.stdout.write(`  ${r.id} ${r.outcome}: ${r.error}\n`);
        for (const e of routing.errors) process.stdout.write(`  routing ${e.alertId}: ${e.error}\n`);
      }
      return drain.deadLettered > 0 ? 1 : 0;
    }
    throw new UsageError(`unknown outbox command ${JSON.stringify(sub)} (list, retry or deliver)`);
  },
};

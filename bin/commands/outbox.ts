import type { OutboxState } from '../../lambdas/core/ports/outbox.js';
import { type Command, parse } from './command.js';
import { printJson, printTable, progress, UsageError } from './output.js';

const STATES: readonly OutboxState[] = ['pending', 'delivered', 'dead'];

/**
 * `mantissa outbox` lists alert notifications waiting, delivered or dead-lettered;
 * `mantissa outbox retry` puts dead letters back in line (the running instance delivers them at its
 * next tick); `mantissa outbox deliver` delivers what is due now, from this process.
 */
export const outboxCommand: Command = {
  name: 'outbox',
  usage:
    'mantissa outbox [list [--state pending|delivered|dead] | retry (--id ID | --all) | deliver] [--json]',
  async run(runtime, args) {
    const { values, positionals } = parse(args, {
      state: { type: 'string' },
      id: { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const [sub = 'list', ...extra] = positionals;
    if (extra.length) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const delivery = runtime.delivery();
    const now = runtime.clock.now();

    if (sub === 'list') {
      const state = values.state as OutboxState | undefined;
      if (state !== undefined && !STATES.includes(state))
        throw new UsageError(`--state must be one of ${STATES.join(', ')}`);
      const items = await delivery.outbox.list(state ? { state } : {});
      if (values.json) printJson({ items, count: items.length });
      else {
        printTable(
          ['id', 'state', 'attempts', 'availableAt', 'lastError'],
          items.map((i) => ({ ...i, id: i.message.id })),
        );
      }
      return 0;
    }
    if (sub === 'retry') {
      if (Boolean(values.id) === Boolean(values.all))
        throw new UsageError('outbox retry takes --id ID or --all');
      const moved = await delivery.outbox.redeliver(values.id ? { id: values.id } : { all: true }, now);
      if (values.json) printJson({ redelivered: moved });
      else process.stdout.write(`${moved} dead letter${moved === 1 ? '' : 's'} queued for delivery again\n`);
      if (values.id && moved === 0) {
        progress(`no dead letter with id ${values.id} (see: mantissa outbox list --state dead)`);
        return 1;
      }
      return 0;
    }
    if (sub === 'deliver') {
      const { routing, drain } = await delivery.tick();
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

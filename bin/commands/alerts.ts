import { ALERT_STATUSES, type AlertStatus } from '../../lambdas/core/alerts/model.js';
import { InvalidCursorError } from '../../lambdas/core/alerts/store.js';
import { type Command, intOption, parse } from './command.js';
import { printJson, printTable, UsageError } from './output.js';

export const alertsCommand: Command = {
  name: 'alerts',
  usage:
    'mantissa alerts [--status open|acknowledged|resolved|suppressed|false-positive] [--severity S] [--rule ID] [--assignee WHO] [--entity VALUE] [--limit N] [--cursor C] [--json]',
  async run(runtime, args) {
    const { values } = parse(args, {
      status: { type: 'string' },
      severity: { type: 'string' },
      rule: { type: 'string' },
      assignee: { type: 'string' },
      entity: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      json: { type: 'boolean' },
    });
    const status = values.status;
    if (status && !ALERT_STATUSES.includes(status as AlertStatus)) {
      throw new UsageError(`--status must be one of ${ALERT_STATUSES.join(', ')}`);
    }
    let page: Awaited<ReturnType<typeof runtime.alerts.page>>;
    try {
      page = await runtime.alerts.page(
        {
          status: status as AlertStatus | undefined,
          severity: values.severity,
          ruleId: values.rule,
          assignee: values.assignee,
          entity: values.entity,
          limit: intOption(values.limit, 'limit', 1, 10_000) ?? 1_000,
        },
        values.cursor,
      );
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new UsageError(`--cursor: ${err.message}`);
      throw err;
    }
    const alerts = page.alerts.map(({ evidenceHashes: _h, ...a }) => a);
    if (values.json)
      printJson({
        alerts,
        count: alerts.length,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      });
    else {
      printTable(
        ['id', 'severity', 'status', 'lastSeen', 'count', 'assignee', 'title'],
        alerts as unknown as Record<string, unknown>[],
      );
      if (page.nextCursor) process.stderr.write(`more: --cursor ${page.nextCursor}\n`);
    }
    return 0;
  },
};

import { ALERT_STATUSES, type AlertStatus } from '../../lambdas/core/alerts/model.js';
import { type Command, parse } from './command.js';
import { printJson, printTable, UsageError } from './output.js';

export const alertsCommand: Command = {
  name: 'alerts',
  usage: 'mantissa alerts [--status open|acknowledged|resolved] [--json]',
  async run(runtime, args) {
    const { values } = parse(args, { status: { type: 'string' }, json: { type: 'boolean' } });
    const status = values.status;
    if (status && !ALERT_STATUSES.includes(status as AlertStatus)) {
      throw new UsageError(`--status must be one of ${ALERT_STATUSES.join(', ')}`);
    }
    const alerts = await runtime.alerts.list(status ? { status: status as AlertStatus } : {});
    if (values.json)
      printJson({ alerts: alerts.map(({ evidenceHashes: _h, ...a }) => a), count: alerts.length });
    else {
      printTable(
        ['id', 'severity', 'status', 'lastSeen', 'count', 'title'],
        alerts as unknown as Record<string, unknown>[],
      );
    }
    return 0;
  },
};

import { COMMON_COLUMNS, type TableSchema } from '../../schema/types.js';

/** The `cloudwatch_logs` table: one row per log event of a subscription's DATA_MESSAGE. */
export const cloudwatchLogsSchema: TableSchema = {
  name: 'cloudwatch_logs',
  description:
    'CloudWatch Logs events delivered by a subscription filter (through Firehose or Lambda), one row per log event.',
  timeColumn: 'ts',
  columns: [
    { name: 'owner', type: 'string', description: 'Account that owns the log group.' },
    { name: 'loggroup', type: 'string', description: 'Log group, e.g. /aws/lambda/payments-api.' },
    { name: 'logstream', type: 'string', description: 'Log stream within the group.' },
    {
      name: 'subscriptionfilters',
      type: { list: 'string' },
      description: 'Subscription filters that matched the event.',
    },
    { name: 'id', type: 'string', description: 'CloudWatch Logs event id.' },
    {
      name: 'message',
      type: 'string',
      description: 'The log line as written; JSON logs stay JSON text (query with json_extract).',
    },
    ...COMMON_COLUMNS,
  ],
};

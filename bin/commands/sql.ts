import { SQL_MAX_ROWS, SQL_TIMEOUT_MS } from '../../lambdas/api/routes/sql.js';
import { guardSql, SqlRejectedError } from '../../lambdas/core/query/sql-guard.js';
import { type Command, parse } from './command.js';
import { printJson, printTable, progress, UsageError } from './output.js';

export const sqlCommand: Command = {
  name: 'sql',
  usage: 'mantissa sql "SELECT ..." [--json]',
  async run(runtime, args) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('sql takes one argument: the SQL, quoted');
    const sql = positionals[0] as string;
    try {
      guardSql(sql, { tables: runtime.tables });
    } catch (err) {
      if (!(err instanceof SqlRejectedError)) throw err;
      progress(`SQL refused: ${err.message}`);
      return 1;
    }
    const result = await (await runtime.query()).query(sql, {
      maxRows: SQL_MAX_ROWS,
      timeoutMs: SQL_TIMEOUT_MS,
    });
    if (values.json) printJson({ ...result, rowCount: result.rows.length });
    else {
      printTable(
        result.columns.map((c) => c.name),
        result.rows,
      );
      progress(`${result.rows.length} rows${result.truncated ? ` (cut at ${SQL_MAX_ROWS})` : ''}`);
    }
    return 0;
  },
};

import { type Command, parse } from './command.js';
import { printJson } from './output.js';

export const detectCommand: Command = {
  name: 'detect',
  usage: 'mantissa detect [--json]',
  async run(runtime, args) {
    const { values } = parse(args, { json: { type: 'boolean' } });
    const report = await runtime.detect();
    if (values.json) printJson(report);
    else {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(
        `${report.batches} new batches, ${report.rulesRun} rules run in ${report.queries} queries: ${report.raised.length} alerts raised, ${report.updated.length} updated`,
      );
      if (report.suppressed > 0)
        out(`  ${report.suppressed} matches suppressed (counted on their suppressions)`);
      if (report.held > 0) out(`  ${report.held} matches held below their rule's threshold`);
      for (const alert of report.raised) out(`  [${alert.severity}] ${alert.id} ${alert.title}`);
      for (const error of report.errors) out(`  rule ${error.ruleId} failed: ${error.error}`);
      if (report.skipped) out('  another detection cycle was running; nothing done');
    }
    return report.errors.length > 0 ? 1 : 0;
  },
};

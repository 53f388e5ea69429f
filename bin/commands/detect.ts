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
      process.stdout.write(
        `${report.batches} new batches, ${report.rulesRun} rules run: ${report.raised.length} alerts raised, ${report.updated.length} updated\n`,
      );
      for (const alert of report.raised)
        process.stdout.write(`  [${alert.severity}] ${alert.id} ${alert.title}\n`);
      for (const error of report.errors)
        process.stdout.write(`  rule ${error.ruleId} failed: ${error.error}\n`);
      if (report.skipped) process.stdout.write('  another detection cycle was running; nothing done\n');
    }
    return report.errors.length > 0 ? 1 : 0;
  },
};

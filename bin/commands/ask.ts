import { localNaturalLanguage } from '../../lambdas/adapters/llm/local.js';
import { AskError } from '../../lambdas/core/query/ask.js';
import { toCsv } from '../../lambdas/core/query/csv.js';
import { SESSION_ID } from '../../lambdas/core/query/session.js';
import { BeyondTranslatorError } from '../../lambdas/core/query/translator.js';
import { type Command, parse } from './command.js';
import { printJson, printTable, progress, UsageError } from './output.js';

/** The CLI's principal: sessions started here continue only here. */
const CLI_PRINCIPAL = 'local-cli';

export const askCommand: Command = {
  name: 'ask',
  usage:
    'mantissa ask "QUESTION" [--session ID] [--no-execute] [--confirm] [--csv] [--json] | ask --rule "DESCRIPTION"',
  async run(runtime, args) {
    const { values, positionals } = parse(args, {
      session: { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      confirm: { type: 'boolean' },
      'no-execute': { type: 'boolean' },
      rule: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('ask takes one argument: the question, quoted');
    const text = positionals[0] as string;
    if (values.session !== undefined && !SESSION_ID.test(values.session)) {
      throw new UsageError('--session must be 8-64 letters, digits, - or _');
    }
    const nl = await localNaturalLanguage(runtime);
    try {
      if (values.rule) {
        const draft = await nl.draftRule(text);
        if (values.json) printJson(draft);
        else {
          process.stdout.write(draft.yaml);
          progress(`${draft.explanation}\n${draft.review}`);
        }
        return 0;
      }
      const answer = await nl.ask.ask({
        question: text,
        principal: CLI_PRINCIPAL,
        ...(values.session ? { sessionId: values.session } : {}),
        execute: !values['no-execute'],
        confirm: Boolean(values.confirm),
      });
      if (values.json) printJson(answer);
      else if (values.csv) process.stdout.write(toCsv(answer.columns, answer.rows));
      else {
        progress(`-- ${answer.translator}: ${answer.explanation}`);
        for (const a of answer.assumptions) progress(`-- assumes: ${a}`);
        if (answer.timeBound) progress(`-- time bound added: ${answer.timeBound.reason}`);
        progress(answer.sql);
        if (answer.estimate)
          progress(
            `-- estimate: ${answer.estimate.bytes} bytes, $${answer.estimate.usd.toFixed(6)} on Athena`,
          );
        if (answer.needsConfirmation) progress('-- above the cost threshold: run again with --confirm');
        if (answer.executed) {
          printTable(
            answer.columns.map((c) => c.name),
            answer.rows,
          );
          progress(`${answer.rowCount} rows${answer.truncated ? ' (cut at the row cap)' : ''}`);
        }
        progress(`session: ${answer.sessionId} (follow up with --session ${answer.sessionId})`);
      }
      return 0;
    } catch (err) {
      if (err instanceof AskError || err instanceof BeyondTranslatorError) {
        progress(err.message);
        return 1;
      }
      throw err;
    } finally {
      await nl.close();
    }
  },
};

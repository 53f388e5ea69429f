/**
 * Natural language -> SQL evaluation: execution accuracy (the same result set as the gold SQL) of
 * each translator over test/fixtures/nl/eval.yaml on the CloudTrail sample. Always runs the offline
 * translator and the recorded-response test model; runs the configured provider too when
 * MANTISSA_LLM_PROVIDER (and its key) is set. `npm run eval:nl [-- --verbose] [-- --json]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { llmFromEnv } from '../lambdas/adapters/llm/config.js';
import { localNaturalLanguage } from '../lambdas/adapters/llm/local.js';
import { defaultHome } from '../lambdas/adapters/local/runtime.js';
import { LocalSecrets } from '../lambdas/adapters/local/secrets.js';
import type { LlmClient } from '../lambdas/core/llm/types.js';
import { evaluate, loadEvalSet } from '../test/fixtures/nl/evaluate.js';
import { RecordedLlm } from '../test/fixtures/nl/recorded-llm.js';
import { sampleRuntime } from '../test/fixtures/nl/sample-lake.js';

const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'nl');
const verbose = process.argv.includes('--verbose');
const asJson = process.argv.includes('--json');

const home = mkdtempSync(join(tmpdir(), 'mantissa-eval-nl-'));
const runtime = await sampleRuntime(home);
try {
  const set = loadEvalSet(FIXTURES);
  const candidates: [string, LlmClient | null][] = [
    ['offline', null],
    ['recorded', RecordedLlm.fromFile(FIXTURES)],
  ];
  const live = await llmFromEnv(process.env, new LocalSecrets(join(defaultHome(), 'secrets.json')));
  if (live) candidates.push([`${live.provider}:${live.model}`, live]);
  const report: Record<string, unknown>[] = [];
  for (const [label, llm] of candidates) {
    const nl = await localNaturalLanguage(runtime, { env: {}, llm, estimate: false });
    const started = Date.now();
    const result = await evaluate(set.questions, nl.ask, await runtime.query(), runtime.tables);
    await nl.close();
    const accuracy = result.correct / result.total;
    report.push({
      translator: label,
      correct: result.correct,
      total: result.total,
      accuracy,
      ms: Date.now() - started,
    });
    if (!asJson) {
      process.stdout.write(
        `${label.padEnd(40)} ${result.correct}/${result.total}  ${(accuracy * 100).toFixed(1)}%\n`,
      );
      if (verbose) {
        for (const o of result.outcomes.filter((x) => !x.correct)) {
          process.stdout.write(`  miss: ${o.q}\n    ${o.error ?? o.sql?.replaceAll('\n', ' ')}\n`);
        }
      }
    }
  }
  if (asJson) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await runtime.close();
  rmSync(home, { recursive: true, force: true });
}

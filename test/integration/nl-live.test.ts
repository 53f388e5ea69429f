import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { llmFromEnv } from '../../lambdas/adapters/llm/config.js';
import { localNaturalLanguage } from '../../lambdas/adapters/llm/local.js';
import { defaultHome } from '../../lambdas/adapters/local/runtime.js';
import { LocalSecrets } from '../../lambdas/adapters/local/secrets.js';
import { evaluate, loadEvalSet } from '../fixtures/nl/evaluate.js';
import { sampleRuntime } from '../fixtures/nl/sample-lake.js';

/**
 * The configured real provider (MANTISSA_LLM_PROVIDER and its key), over the example questions:
 * skipped without one. `npm run eval:nl` measures it over the whole set.
 */
describe.skipIf(!process.env.MANTISSA_LLM_PROVIDER)('a real provider, when one is configured', () => {
  it('answers the example questions through validation and execution', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mantissa-nl-live-'));
    const runtime = await sampleRuntime(home);
    try {
      const llm = await llmFromEnv(process.env, new LocalSecrets(join(defaultHome(), 'secrets.json')));
      const nl = await localNaturalLanguage(runtime, { env: {}, llm: llm ?? null, estimate: false });
      const questions = loadEvalSet(join(import.meta.dirname, '..', 'fixtures', 'nl')).questions.slice(0, 3);
      const result = await evaluate(questions, nl.ask, await runtime.query(), runtime.tables);
      await nl.close();
      for (const o of result.outcomes) {
        expect(o.error).toBeUndefined();
        expect(o.translator).toBe(`${llm?.provider}:${llm?.model}`);
      }
    } finally {
      await runtime.close();
      rmSync(home, { recursive: true, force: true });
    }
  }, 180_000);
});

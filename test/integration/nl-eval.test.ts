import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localNaturalLanguage } from '../../lambdas/adapters/llm/local.js';
import type { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { type EvalQuestion, evaluate, loadEvalSet, sameResult } from '../fixtures/nl/evaluate.js';
import { RecordedLlm } from '../fixtures/nl/recorded-llm.js';
import { sampleRuntime } from '../fixtures/nl/sample-lake.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'nl');
const EXAMPLES = [
  'When was the last time root was used?',
  'Show me failed logins from outside the US this week',
  'Which IAM users created new access keys recently?',
];

describe('natural language -> SQL evaluation on the CloudTrail sample', () => {
  let home: string;
  let runtime: LocalRuntime;
  let questions: EvalQuestion[];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mantissa-nl-eval-'));
    runtime = await sampleRuntime(home);
    questions = loadEvalSet(FIXTURES).questions;
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('holds at least 60 questions, the example questions among them', () => {
    expect(questions.length).toBeGreaterThanOrEqual(60);
    for (const q of EXAMPLES) expect(questions.map((x) => x.q)).toContain(q);
  });

  it('compares result sets, not spellings: extra columns allowed, missing rows or values not', () => {
    const gold = { columns: [{ name: 'u' }], rows: [{ u: 'a' }, { u: 'b' }] };
    expect(
      sameResult(gold, {
        columns: [{ name: 'x' }, { name: 'n' }],
        rows: [
          { x: 'b', n: 1 },
          { x: 'a', n: 2 },
        ],
      }),
    ).toBe(true);
    expect(sameResult(gold, { columns: [{ name: 'x' }], rows: [{ x: 'a' }, { x: 'c' }] })).toBe(false);
    expect(sameResult(gold, { columns: [{ name: 'x' }], rows: [{ x: 'a' }] })).toBe(false);
  });

  it('the offline translator answers 60 of 68, every example question among them', async () => {
    const nl = await localNaturalLanguage(runtime, { env: {}, llm: null, estimate: false });
    const result = await evaluate(questions, nl.ask, await runtime.query(), runtime.tables);
    await nl.close();
    const misses = result.outcomes.filter((o) => !o.correct).map((o) => o.q);
    expect(misses).toEqual([
      'List console logins without MFA today',
      'Which IAM users were created recently?',
      'Which roles were assumed the most today?',
      'What was the average number of events per hour yesterday?',
      'What percentage of console logins failed this week?',
      'Did anyone attach an admin policy to a user recently?',
      'Which users logged in without MFA this week?',
      'Compare failed logins today versus yesterday',
    ]);
    expect([result.correct, result.total]).toEqual([60, 68]);
    expect(new Set(result.outcomes.filter((o) => o.translator).map((o) => o.translator))).toEqual(
      new Set(['offline']),
    );
  });

  it('the recorded-response model answers 66 of 68 through the language-model path, with repairs', async () => {
    const llm = RecordedLlm.fromFile(FIXTURES);
    const nl = await localNaturalLanguage(runtime, { env: {}, llm, estimate: false });
    const result = await evaluate(questions, nl.ask, await runtime.query(), runtime.tables);
    await nl.close();
    expect([result.correct, result.total]).toEqual([66, 68]);
    const roles = result.outcomes.find((o) => o.q === 'Which roles were assumed the most today?');
    expect(roles?.error).toBe(
      "recorded:recorded-responses SQL refused: function load_extension is not allowed: it reads outside the lake's tables or the engine's state (after 2 repair rounds)",
    );
    expect(result.outcomes.find((o) => o.q === 'Top 5 event names in the last 24 hours')).toMatchObject({
      correct: true,
      translator: 'recorded:recorded-responses',
    });
    // Each repair round showed the model its SQL and the exact refusal.
    const repair = llm.requests.find((r) =>
      r.messages.some((m) => m.content.includes('exactly one statement is allowed; found 2')),
    );
    expect(repair?.messages.at(-1)?.content).toBe(
      'That SQL cannot be used: refused: exactly one statement is allowed; found 2\nAnswer again with corrected SQL, following the rules.',
    );
  });
});

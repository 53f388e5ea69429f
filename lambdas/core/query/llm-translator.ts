import {
  conversation,
  parseSqlAnswer,
  repairMessages,
  SQL_ANSWER_SCHEMA,
  type SqlAnswer,
  systemPrompt,
} from '../llm/prompt.js';
import type { LlmClient, LlmMessage, LlmResponse } from '../llm/types.js';
import type { TranslateInput, Translation, Translator } from './translator.js';

interface LlmState {
  messages: LlmMessage[];
  answer: SqlAnswer;
}

/** A language model as translator: the catalog prompt, the session's turns, structured output. */
export class LlmTranslator implements Translator {
  readonly name: string;

  constructor(
    private readonly client: LlmClient,
    private readonly maxRows: number,
  ) {
    this.name = `${client.provider}:${client.model}`;
  }

  translate(input: TranslateInput): Promise<Translation> {
    const history = input.history.map((t) => ({ question: t.question, sql: t.sql }));
    return this.ask(input, conversation(history, input.question));
  }

  repair(input: TranslateInput, failed: Translation, error: string): Promise<Translation> {
    const state = failed.state as LlmState | undefined;
    const messages = state
      ? repairMessages(state.messages, state.answer, error)
      : repairMessages(conversation([], input.question), failed, error);
    return this.ask(input, messages);
  }

  private async ask(input: TranslateInput, messages: LlmMessage[]): Promise<Translation> {
    const res: LlmResponse = await this.client.complete({
      system: systemPrompt(input.catalog, input.now, this.maxRows),
      messages,
      schema: SQL_ANSWER_SCHEMA,
      maxTokens: 2048,
      temperature: 0,
    });
    const answer = parseSqlAnswer(res.output);
    const state: LlmState = { messages, answer };
    return {
      ...answer,
      state,
      usage: { ...res.usage, costUsd: res.costUsd, attempts: res.attempts },
    };
  }
}

import type { AskService } from './ask.js';
import type { RuleDraft } from './nl-rule.js';

/** Questions and rule drafting in natural language, as the API and the CLI use them. */
export interface NaturalLanguage {
  ask: AskService;
  /** Which translator answers first: `offline`, or `<provider>:<model>`. */
  translator: string;
  draftRule(description: string): Promise<RuleDraft>;
}

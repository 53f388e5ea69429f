import type { LlmUsage } from './types.js';

/**
 * List prices in US dollars per million tokens (input, output), as published by each provider on
 * PRICES_AS_OF. Bedrock's on-demand prices for the same models match the vendors' in us-east-1.
 * A model not listed has no cost estimate (the answer says so) rather than a guessed one.
 */
export const PRICES_AS_OF = '2026-11-01';

const PER_MILLION: Record<string, { input: number; output: number }> = {
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gemini-2.5-pro': { input: 1.25, output: 10 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'amazon.nova-pro': { input: 0.8, output: 3.2 },
  'amazon.nova-lite': { input: 0.06, output: 0.24 },
};

/**
 * The price entry for a model id as providers spell it: Bedrock ids carry a vendor and region
 * prefix and a version suffix (`us.anthropic.claude-sonnet-4-20250514-v1:0`), Anthropic's a date
 * (`claude-sonnet-4-20250514`). The longest listed name the id contains wins, so `gpt-4o-mini` is
 * not priced as `gpt-4o`.
 */
export function priceOf(model: string): { input: number; output: number } | undefined {
  const id = model.toLowerCase();
  let best: string | undefined;
  for (const name of Object.keys(PER_MILLION)) {
    if (id.includes(name) && (!best || name.length > best.length)) best = name;
  }
  return best ? PER_MILLION[best] : undefined;
}

export function costOf(model: string, usage: LlmUsage): number | undefined {
  const price = priceOf(model);
  if (!price) return undefined;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

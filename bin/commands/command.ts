import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { UsageError } from './output.js';

/** One `mantissa` sub-command. Register it in `commands/index.ts`. */
export interface Command {
  name: string;
  /** One usage line, e.g. `mantissa detect [--json]`. */
  usage: string;
  /** The exit code: 0 success, 1 failure (usage errors throw UsageError: 2). */
  run(runtime: LocalRuntime, args: string[], ctx: { version: string }): Promise<number>;
}

export function parse<const T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function intOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}

/** Limits and small text helpers of the decoder: size checks, JSON parsing, UTF-8 positions. */
import type { DecodeItem } from './decode.js';

export const MAX_RECORD_BYTES = 1_048_576;
export const MAX_LINE_BYTES = 268_435_456;
export const MAX_RAW = 1_048_576;

export function cut(text: string): string {
  return text.length > MAX_RAW ? `${text.slice(0, MAX_RAW)}…[cut at ${MAX_RAW} characters]` : text;
}

export function tooBig(position: string, size: number, max: number, text: string): DecodeItem {
  return {
    kind: 'reject',
    position,
    reason: `record of ${size} bytes is over the ${max}-byte limit`,
    raw: cut(text),
  };
}

export function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/**
 * Firehose concatenates records with no separator (`{...}{...}`). Splits such a line into its
 * top-level JSON values, or returns undefined when it is not a sequence of two or more of them.
 */
export function splitConcatenated(text: string): { text: string; value: unknown }[] | undefined {
  if (!/}\s*{/.test(text)) return undefined;
  const parts: { text: string; value: unknown }[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) {
        const piece = text.slice(start, i + 1);
        const parsed = tryParse(piece);
        if (!parsed.ok) return undefined;
        parts.push({ text: piece, value: parsed.value });
      }
    } else if (depth === 0 && c !== undefined && !/\s/.test(c)) return undefined;
  }
  return depth === 0 && parts.length >= 2 ? parts : undefined;
}

/** Index of the first byte that breaks UTF-8 (isUtf8 said there is one). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlongs, surrogates and values past U+10FFFF, which the first byte alone does not rule out.
    const second = bytes[i + 1] as number;
    if (
      (b === 0xe0 && second < 0xa0) ||
      (b === 0xed && second > 0x9f) ||
      (b === 0xf0 && second < 0x90) ||
      (b === 0xf4 && second > 0x8f)
    )
      return i;
    i += need + 1;
  }
  return bytes.length;
}

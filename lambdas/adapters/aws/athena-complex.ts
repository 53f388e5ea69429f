import type { ColumnType } from '../../core/schema/types.js';

/**
 * Athena renders ROW, ARRAY and MAP values as Trino's text (`{type=Root, arn=arn:aws:iam::1:root}`,
 * `[r0, null]`) and its result metadata says only `row` or `array`, not the field types. These parse
 * that text back into the JSON DuckDB gives for the same value, so evidence rows, entity
 * extraction and the fused scan's `matched_rules` array behave alike in both runtimes.
 *
 * With the column's lake type (from the table schema) the parse is guided by the known field names
 * in order, so commas, `=` and brackets inside values are read correctly; only a list element that
 * itself contains ", " is ambiguous. Without a known type, arrays become lists of text and rows
 * become objects of text. Inside nested values DuckDB's JSON conventions are kept: BIGINT as
 * digits in a string, TIMESTAMP as `YYYY-MM-DD HH:MM:SS[.fff]`, doubles and booleans as JSON.
 * Text that does not parse is returned unchanged.
 */
type Stop = (text: string, at: number) => boolean;

class ParseError extends Error {}

const atEnd: Stop = (text, at) => at === text.length;

export function parseComplex(text: string, athenaType: string, lakeType?: ColumnType): unknown {
  try {
    const cursor = { text, at: 0 };
    const value = lakeType
      ? typed(cursor, lakeType, atEnd)
      : untyped(cursor, athenaType.toLowerCase(), atEnd);
    if (cursor.at !== text.length) throw new ParseError('trailing text');
    return value;
  } catch (err) {
    if (err instanceof ParseError) return text;
    throw err;
  }
}

interface Cursor {
  text: string;
  at: number;
}

function expect(c: Cursor, token: string): void {
  if (!c.text.startsWith(token, c.at)) throw new ParseError(`expected ${token} at ${c.at}`);
  c.at += token.length;
}

function isNull(c: Cursor, stop: Stop): boolean {
  if (c.text.startsWith('null', c.at) && stop(c.text, c.at + 4)) {
    c.at += 4;
    return true;
  }
  return false;
}

/** Reads up to the first position where `stop` holds. */
function until(c: Cursor, stop: Stop): string {
  for (let i = c.at; i <= c.text.length; i++) {
    if (stop(c.text, i)) {
      const value = c.text.slice(c.at, i);
      c.at = i;
      return value;
    }
  }
  throw new ParseError('value does not end');
}

function typed(c: Cursor, type: ColumnType, stop: Stop): unknown {
  if (isNull(c, stop)) return null;
  if (typeof type === 'string') return scalar(until(c, stop), type);
  if ('list' in type) {
    expect(c, '[');
    const end: Stop = (t, i) => t[i] === ']' && stop(t, i + 1);
    const out: unknown[] = [];
    if (end(c.text, c.at)) {
      c.at += 1;
      return out;
    }
    for (;;) {
      out.push(typed(c, type.list, (t, i) => t.startsWith(', ', i) || end(t, i)));
      if (end(c.text, c.at)) {
        c.at += 1;
        return out;
      }
      expect(c, ', ');
    }
  }
  const fields = Object.entries(type.struct);
  expect(c, '{');
  const out: Record<string, unknown> = {};
  fields.forEach(([name, fieldType], i) => {
    expect(c, `${name}=`);
    const next = fields[i + 1];
    const fieldStop: Stop = next
      ? (t, at) => t.startsWith(`, ${next[0]}=`, at)
      : (t, at) => t[at] === '}' && stop(t, at + 1);
    out[name] = typed(c, fieldType, fieldStop);
    if (next) expect(c, ', ');
  });
  expect(c, '}');
  return out;
}

function untyped(c: Cursor, athenaType: string, stop: Stop): unknown {
  if (isNull(c, stop)) return null;
  if (athenaType.startsWith('array')) return typed(c, { list: 'string' }, stop);
  if (!athenaType.startsWith('row') && !athenaType.startsWith('map')) return until(c, stop);
  expect(c, '{');
  const end: Stop = (t, i) => t[i] === '}' && stop(t, i + 1);
  const out: Record<string, unknown> = {};
  if (end(c.text, c.at)) {
    c.at += 1;
    return out;
  }
  const nextKey: Stop = (t, i) => /^, [\w.-]+=/.test(t.slice(i, i + 200)) || end(t, i);
  for (;;) {
    const key = until(c, (t, i) => t[i] === '=');
    if (!/^[\w.-]+$/.test(key)) throw new ParseError(`not a key: ${key}`);
    expect(c, '=');
    out[key] = isNull(c, nextKey) ? null : until(c, nextKey);
    if (end(c.text, c.at)) {
      c.at += 1;
      return out;
    }
    expect(c, ', ');
  }
}

/** A value inside a ROW or ARRAY, as DuckDB's JSON writes one. */
function scalar(text: string, type: Exclude<ColumnType, object>): unknown {
  switch (type) {
    case 'string':
    case 'json':
      return text;
    case 'bigint':
      if (!/^-?\d+$/.test(text)) throw new ParseError(`not a bigint: ${text}`);
      return text;
    case 'double': {
      const n = Number(text);
      return Number.isFinite(n) ? n : text;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new ParseError(`not a boolean: ${text}`);
      return text === 'true';
    case 'timestamp':
      return text.replace(/\.(\d*?)0+$/, (_, kept: string) => (kept ? `.${kept}` : ''));
  }
}

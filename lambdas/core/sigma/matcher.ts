import { DECIMAL_RE } from './backends/dialect.js';
import { inNetwork, parseIpv4, parseIpv6 } from './cidr.js';
import { listFieldError, SigmaError } from './errors.js';
import type { FieldAccess, FieldRef, Node, ValueTest } from './ir.js';
import { foldCase, type Pattern, plainText } from './sigma-string.js';

/** An event as the lake stores it: lower-case columns, structs as objects, JSON columns as JSON text. */
export type Row = Readonly<Record<string, unknown>>;
export type Matcher = (row: Row) => boolean;

type Getter = (row: Row) => unknown;
type Test = (value: unknown, row: Row) => boolean;

/**
 * Compiles the intermediate form into a predicate over rows, with the semantics the SQL backends
 * render: text-form matching with the same case folding, missing or null fields satisfying no value
 * test (so `not` over them is true), numbers matching as numbers or as their text.
 */
export function compileMatcher(node: Node): Matcher {
  const fn = compileNode(node);
  return (row) => fn(row);
}

function compileNode(node: Node): Matcher {
  switch (node.kind) {
    case 'const':
      return node.value ? () => true : () => false;
    case 'and': {
      const parts = node.children.map(compileNode);
      return (row) => parts.every((p) => p(row));
    }
    case 'or': {
      const parts = node.children.map(compileNode);
      return (row) => parts.some((p) => p(row));
    }
    case 'not': {
      const inner = compileNode(node.child);
      return (row) => !inner(row);
    }
    case 'keyword':
      throw new SigmaError(
        'keyword (full-text) search needs the fields to search: use a pipeline or pass keywordFields',
      );
    case 'pred': {
      const { field, test: t } = node;
      if (t.kind === 'fieldref' && (field.access.kind === 'element' || t.other.access.kind === 'element'))
        throw listFieldError(
          field.access.kind === 'element' ? field : t.other,
          'a field reference (fieldref) cannot use it',
        );
      const test = compileTest(t);
      if (field.access.kind === 'element') {
        const some = anyElement(field.access);
        // As the SQL backends: `null` holds when no element has a value (a missing or empty list too).
        if (t.kind === 'null') return (row) => !some(row, (v) => v !== null && v !== undefined);
        return (row) => some(row, (v) => test(v, row));
      }
      const get = getter(field);
      return (row) => test(get(row), row);
    }
  }
}

type ElementAccess = Extract<FieldAccess, { kind: 'element' }>;

/** Whether `ok` holds for the value inside any element of the list (of any element, when nested). */
function anyElement(a: ElementAccess): (from: unknown, ok: (v: unknown) => boolean) => boolean {
  const list = reader({ kind: 'column', path: a.path });
  const inner = a.element;
  if (inner.kind === 'element') {
    const nested = anyElement(inner);
    return (from, ok) => {
      const items = list(from);
      return Array.isArray(items) && items.some((item) => nested(item, ok));
    };
  }
  const get = reader(inner);
  return (from, ok) => {
    const items = list(from);
    return Array.isArray(items) && items.some((item) => ok(get(item)));
  };
}

export function getter(f: FieldRef): Getter {
  if (f.access.kind === 'element') throw listFieldError(f, 'it cannot be read as one value here');
  return reader(f.access);
}

/** Reads a column (or struct field) or JSON keys, from the row or from a list element. */
function reader(a: Exclude<FieldAccess, ElementAccess>): (from: unknown) => unknown {
  const path = a.path;
  const column = (from: unknown) => {
    let v: unknown = from;
    for (const p of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v;
  };
  if (a.kind === 'column') return column;
  const keys = a.keys;
  return (from) => {
    const text = column(from);
    if (typeof text !== 'string') return undefined;
    let v = parseJson(text);
    for (const k of keys) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
      v = (v as Record<string, unknown>)[k];
    }
    // As json_extract_string: scalars as their text, objects and arrays as compact JSON text.
    return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
  };
}

// Rules of one source read the same JSON columns of the same row again and again.
const jsonCache = new Map<string, unknown>();
function parseJson(text: string): unknown {
  if (jsonCache.has(text)) return jsonCache.get(text);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  if (jsonCache.size > 256) jsonCache.clear();
  jsonCache.set(text, v);
  return v;
}

/** The text form SQL's CAST(x AS VARCHAR) gives, for the types rows hold. */
export function textOf(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date)
    return v
      .toISOString()
      .replace('T', ' ')
      .replace(/\.000Z$|Z$/, '');
  return JSON.stringify(v);
}

const decimal = new RegExp(DECIMAL_RE);

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && decimal.test(v)) return Number(v);
  return undefined;
}

function compileTest(t: ValueTest): Test {
  switch (t.kind) {
    case 'null':
      return (v) => v === null || v === undefined;
    case 'string': {
      const match = patternMatcher(t.pattern, t.cased);
      return (v) => {
        const s = textOf(v);
        return s !== undefined && match(t.cased ? s : foldCase(s));
      };
    }
    case 'number': {
      const text = String(t.value);
      return (v) => (typeof v === 'number' ? v === t.value : textOf(v) === text);
    }
    case 'regex': {
      const re = compileRegex(t.source, t.flags);
      return (v) => {
        const s = textOf(v);
        return s !== undefined && re.test(s);
      };
    }
    case 'compare': {
      const cmp = {
        gt: (a: number) => a > t.value,
        gte: (a: number) => a >= t.value,
        lt: (a: number) => a < t.value,
        lte: (a: number) => a <= t.value,
      }[t.op];
      return (v) => {
        const n = numberOf(v);
        return n !== undefined && cmp(n);
      };
    }
    case 'cidr':
      return (v) => {
        const s = textOf(v);
        if (s === undefined) return false;
        const addr = t.family === 4 ? parseIpv4(s) : parseIpv6(s);
        return addr !== undefined && inNetwork(addr, t);
      };
    case 'fieldref': {
      const other = getter(t.other);
      const fold = (s: string) => (t.cased ? s : foldCase(s));
      return (v, row) => {
        const a = textOf(v);
        const b = textOf(other(row));
        if (a === undefined || b === undefined) return false;
        const x = fold(a);
        const y = fold(b);
        if (t.mode === 'eq') return x === y;
        if (t.mode === 'contains') return x.includes(y);
        return t.mode === 'startswith' ? x.startsWith(y) : x.endsWith(y);
      };
    }
  }
}

/** Regular expressions run with the Unicode flag where the pattern allows it, as RE2 does. */
export function compileRegex(source: string, flags: string): RegExp {
  try {
    return new RegExp(source, `${flags}u`);
  } catch {
    return new RegExp(source, flags);
  }
}

/** A matcher for text already folded the way the pattern asks; fast paths for the common shapes. */
export function patternMatcher(pattern: Pattern, cased: boolean): (s: string) => boolean {
  const fold = (s: string) => (cased ? s : foldCase(s));
  const plain = plainText(pattern);
  if (plain !== undefined) {
    const want = fold(plain);
    return (s) => s === want;
  }
  const inner = pattern.slice(1, -1);
  const innerText = plainText(inner);
  const first = pattern[0]?.t;
  const last = pattern[pattern.length - 1]?.t;
  if (pattern.length === 3 && first === 'any' && last === 'any' && innerText !== undefined) {
    const want = fold(innerText);
    return (s) => s.includes(want);
  }
  const body = pattern
    .map((tok) => {
      if (tok.t === 'any') return '[^]*';
      if (tok.t === 'one') return '[^]';
      if (tok.t === 'ph') throw new SigmaError(`placeholder %${tok.name}% has no value: pass placeholders`);
      return fold(tok.v).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    })
    .join('');
  // `u`: `?` is one code point, as SQL's `_` is one character.
  const re = new RegExp(`^${body}$`, 'u');
  return (s) => re.test(s);
}

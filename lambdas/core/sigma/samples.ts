import type { FieldAccess, FieldRef, Node, ValueTest } from './ir.js';
import { compileRegex, patternMatcher } from './matcher.js';
import { foldCase, type Pattern } from './sigma-string.js';

/**
 * Events derived from a rule's condition tree: ones built to match (each OR branch in turn, wildcards
 * instantiated, case changed) and near misses (one field changed or removed). Used to check that the
 * SQL backends and the matcher agree, and to give rule tests a starting point.
 */
export type SampleEvent = Record<string, unknown>;

type Env = Map<string, { field: FieldRef; value: unknown }>;

export function sampleEvents(node: Node, maxBranches = 6): SampleEvent[] {
  const out: SampleEvent[] = [];
  const seen = new Set<string>();
  const push = (env: Env) => {
    for (const layout of LAYOUTS) {
      // Without lists every layout gives the same event, which is kept once.
      const ev = toEvent(env, layout);
      const key = JSON.stringify(ev);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(ev);
      }
    }
  };
  for (let choice = 0; choice < maxBranches; choice++) {
    for (const variant of [0, 1]) {
      const env: Env = new Map();
      assign(node, true, env, choice, variant);
      push(env);
      for (const [key, entry] of env) {
        const tests = testsOn(node, key);
        for (const t of tests.slice(0, 2)) {
          const miss = new Map(env);
          miss.set(key, { field: entry.field, value: negative(t, variant) });
          push(miss);
        }
        const gone = new Map(env);
        gone.delete(key);
        push(gone);
      }
      const neg: Env = new Map();
      assign(node, false, neg, choice, variant);
      push(neg);
    }
  }
  return out;
}

function testsOn(node: Node, key: string): ValueTest[] {
  const out: ValueTest[] = [];
  const visit = (n: Node) => {
    if (n.kind === 'pred' && n.field.sigma === key) out.push(n.test);
    if (n.kind === 'and' || n.kind === 'or') n.children.forEach(visit);
    if (n.kind === 'not') visit(n.child);
  };
  visit(node);
  return out;
}

function assign(n: Node, want: boolean, env: Env, choice: number, variant: number): void {
  switch (n.kind) {
    case 'const':
    case 'keyword':
      return;
    case 'not':
      assign(n.child, !want, env, choice, variant);
      return;
    case 'and':
    case 'or': {
      // AND true / OR false need every child; AND false / OR true need one, picked by `choice`.
      const every = (n.kind === 'and') === want;
      if (every) {
        for (const [i, c] of n.children.entries()) assign(c, want, env, choice + i, variant);
      } else
        assign(
          n.children[choice % n.children.length] as Node,
          want,
          env,
          Math.floor(choice / n.children.length),
          variant,
        );
      return;
    }
    case 'pred': {
      const prior = env.get(n.field.sigma);
      if (prior) {
        // Several contains tests on one field (contains|all, two selections): one text can hold them all.
        const t = n.test;
        if (want && t.kind === 'string' && t.pattern[0]?.t === 'any' && typeof prior.value === 'string') {
          const text = t.cased ? prior.value : foldCase(prior.value);
          if (!patternMatcher(t.pattern, t.cased)(text)) prior.value += instantiate(t.pattern, variant);
        }
        return;
      }
      if (n.test.kind === 'fieldref') {
        const v = env.get(n.test.other.sigma)?.value ?? 'SameValue';
        env.set(n.test.other.sigma, { field: n.test.other, value: v });
        const text = typeof v === 'string' ? v : String(v);
        env.set(n.field.sigma, {
          field: n.field,
          value: want
            ? `${n.test.mode === 'endswith' || n.test.mode === 'contains' ? 'pre' : ''}${text}${n.test.mode === 'startswith' || n.test.mode === 'contains' ? 'post' : ''}`
            : `other${text}x`,
        });
        return;
      }
      env.set(n.field.sigma, {
        field: n.field,
        value: want ? positive(n.test, variant) : negative(n.test, variant),
      });
    }
  }
}

/** Upper-cases where that keeps the length, so case-insensitive matching is exercised. */
function flipCase(s: string): string {
  return [...s].map((c) => (c.toUpperCase().length === c.length ? c.toUpperCase() : c)).join('');
}

function instantiate(p: Pattern, variant: number): string {
  return p
    .map((t) => (t.t === 'lit' ? t.v : t.t === 'any' ? (variant ? 'x Y' : '') : t.t === 'one' ? 'q' : ''))
    .join('');
}

export function positive(t: ValueTest, variant = 0): unknown {
  switch (t.kind) {
    case 'null':
      return null;
    case 'string': {
      const s = instantiate(t.pattern, variant);
      return t.cased || variant === 0 ? s : flipCase(s);
    }
    case 'number':
      return variant ? String(t.value) : t.value;
    case 'compare': {
      const v = t.op === 'gt' ? t.value + 1 : t.op === 'lt' ? t.value - 1 : t.value;
      return variant ? String(v) : v;
    }
    case 'cidr':
      return formatIp(
        t.bytes.map((b, i) => (i === t.bytes.length - 1 && t.prefix < t.bytes.length * 8 ? b | 1 : b)),
        variant,
      );
    case 'regex':
      return regexSample(t.source, t.flags);
    case 'fieldref':
      return 'SameValue';
  }
}

export function negative(t: ValueTest, variant = 0): unknown {
  switch (t.kind) {
    case 'null':
      return variant ? '' : 'present';
    case 'string': {
      const s = instantiate(t.pattern, variant);
      return t.cased && s !== '' ? (flipCase(s) === s ? `${s}~` : flipCase(s)) : `zq${s.slice(1)}z~`;
    }
    case 'number':
      return variant ? String(t.value + 1) : t.value + 1;
    case 'compare': {
      const v =
        t.op === 'gt' ? t.value : t.op === 'lt' ? t.value : t.op === 'gte' ? t.value - 1 : t.value + 1;
      return variant ? `${v}x` : v;
    }
    case 'cidr': {
      const bytes = [...t.bytes];
      if (t.prefix === 0) return variant ? 'not-an-ip' : t.family === 4 ? '::1' : '10.0.0.1';
      const byte = Math.floor((t.prefix - 1) / 8);
      bytes[byte] = (bytes[byte] as number) ^ (1 << (7 - ((t.prefix - 1) % 8)));
      return formatIp(bytes, variant);
    }
    case 'regex':
      return 'no~match';
    case 'fieldref':
      return 'different';
  }
}

function formatIp(bytes: number[], variant: number): string {
  if (bytes.length === 4) return bytes.join('.');
  const hextets = [];
  for (let i = 0; i < 16; i += 2)
    hextets.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  const full = hextets.join(':');
  // Compress the longest zero run, upper-case in the second variant: both spellings must match.
  const compressed = full.replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
  return variant ? compressed.toUpperCase() : compressed;
}

function regexSample(source: string, flags: string): string {
  const re = compileRegex(source, flags);
  const stripped = source
    .replace(/^\^|\$$/g, '')
    .replace(/\\([.\\/()[\]{}*+?|^$])/g, '$1')
    .replace(/\.\*|\.\+/g, 'a')
    .replace(/\\d\+?/g, '1')
    .replace(/\\s\+?/g, ' ')
    .replace(/\\w\+?/g, 'w');
  for (const c of [stripped, stripped.replace(/[()?]/g, ''), source]) if (re.test(c)) return c;
  return 'no~match';
}

/**
 * How values inside lists are laid out: each after a decoy element (empty, or null in a list of
 * scalars), so only a test of every element finds it; `shared` puts a list's fields in one element,
 * `spread` each in its own (any-element tests still find them, as Elastic's do), `empty` leaves
 * the lists empty.
 */
type Layout = 'shared' | 'spread' | 'empty';
const LAYOUTS: readonly Layout[] = ['shared', 'spread', 'empty'];

function toEvent(env: Env, layout: Layout): SampleEvent {
  const ev: SampleEvent = {};
  let n = 0;
  for (const { field, value } of env.values()) place(ev, field.access, value, layout, 1 + n++);
  return ev;
}

function place(at: SampleEvent, a: FieldAccess, value: unknown, layout: Layout, own: number): void {
  if (a.kind !== 'element') {
    const path = a.kind === 'json' ? [...a.path, ...a.keys] : a.path;
    const obj = objectAt(at, path.slice(0, -1));
    obj[path[path.length - 1] as string] = value;
    return;
  }
  // An empty path: `at` is itself the list (an element of a list of lists).
  let list = at as unknown as unknown[];
  if (a.path.length > 0) {
    const parent = objectAt(at, a.path.slice(0, -1));
    const key = a.path[a.path.length - 1] as string;
    if (!Array.isArray(parent[key])) parent[key] = [];
    list = parent[key] as unknown[];
  }
  if (layout === 'empty') return;
  const slot = layout === 'spread' ? own : 1;
  const inner = a.element;
  const itself = inner.path.length === 0;
  const scalar = itself && inner.kind === 'column';
  while (list.length <= slot) list.push(scalar ? null : itself ? [] : {});
  if (scalar) list[slot] = value;
  else place(list[slot] as SampleEvent, inner, value, layout, own);
}

/** The object at `path` under `obj`, made (replacing any scalar) where missing. */
function objectAt(obj: SampleEvent, path: string[]): SampleEvent {
  let o = obj;
  for (const p of path) {
    const next = o[p];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) o[p] = {};
    o = o[p] as SampleEvent;
  }
  return o;
}

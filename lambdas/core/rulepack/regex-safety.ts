/**
 * Is a rule's regular expression safe to run? DuckDB uses RE2 (linear time), but Athena's engine and
 * the in-memory matcher backtrack, where `(a+)+$` takes exponential time on `aaaa…!`. Two tests: a
 * static scan for a quantified group that itself contains an unbounded quantifier, and a probe that
 * runs the expression on growing adversarial inputs and stops at the first that exceeds a time budget.
 */

export interface RegexVerdict {
  /** A nested quantifier, e.g. `(\w+\s?)+`, at this offset of the source. */
  nested?: { offset: number; text: string };
  /** The probe's slow input: its length and how long one match attempt took. */
  slow?: { input: string; length: number; ms: number };
}

/** Finds `(…x+…)+` / `(…x*…)*` / `(…){2,}` shapes: a quantified group with an unbounded quantifier inside. */
export function nestedQuantifier(source: string): RegexVerdict['nested'] {
  const frames: { start: number; inner: boolean }[] = [{ start: 0, inner: false }];
  let i = 0;
  // The atom just before a quantifier: a closed group (with what it contained) or anything else.
  let lastGroup: { start: number; inner: boolean } | undefined;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\\') {
      i += 2;
      lastGroup = undefined;
      continue;
    }
    if (c === '[') {
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
      lastGroup = undefined;
      continue;
    }
    if (c === '(') {
      frames.push({ start: i, inner: false });
      i++;
      lastGroup = undefined;
      continue;
    }
    if (c === ')') {
      const frame = frames.length > 1 ? frames.pop() : undefined;
      i++;
      lastGroup = frame;
      continue;
    }
    const q = unboundedQuantifierAt(source, i);
    if (q > 0) {
      if (lastGroup?.inner) return { offset: lastGroup.start, text: source.slice(lastGroup.start, i + q) };
      // A quantified atom (or group): the enclosing group now holds an unbounded quantifier.
      const top = frames[frames.length - 1];
      if (top) top.inner = true;
      i += q;
      lastGroup = undefined;
      continue;
    }
    lastGroup = undefined;
    i++;
  }
  return undefined;
}

/** Length of an unbounded quantifier (`*`, `+`, `{n,}`, `{n,m}` with m > 1, with a lazy `?`) at i, else 0. */
function unboundedQuantifierAt(source: string, i: number): number {
  const c = source[i];
  let len = 0;
  if (c === '*' || c === '+') len = 1;
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (m && m[2] !== undefined && (m[3] === '' || Number(m[3]) > 1)) len = m[0].length;
  }
  if (len > 0 && source[i + len] === '?') len++;
  return len;
}

/**
 * Input lengths the probe tries. Steps of 2 up to 64 catch exponential blow-up (each step multiplies
 * the time by at most 4 for a base-2 blow-up, so the first slow attempt is at most ~4x the budget);
 * the longer ones catch polynomial blow-up, which grows slowly enough for large steps.
 */
const LENGTHS = [
  ...Array.from({ length: 29 }, (_, i) => 8 + 2 * i),
  96,
  128,
  192,
  256,
  512,
  1024,
  2048,
  4096,
];

/**
 * Runs the expression on `c…c\0` for characters c the expression mentions (and a few common ones),
 * lengthening the input until one attempt takes longer than `budgetMs`. Total time is bounded: the
 * probe stops at the first slow attempt, and attempts only grow slow gradually.
 */
export function probeBacktracking(re: RegExp, budgetMs = 100): RegexVerdict['slow'] {
  const letters = new Set(['a', '1', ' ', 'x', '.']);
  for (const ch of re.source.replace(/\\./g, '')) if (/[\p{L}\p{N} _.:/@-]/u.test(ch)) letters.add(ch);
  for (const ch of [...letters].slice(0, 24)) {
    for (const n of LENGTHS) {
      const input = `${ch.repeat(n)}\u0000`;
      // A busy machine can stall any one attempt: only a second slow run of the same input counts.
      const ms = attempt(re, input);
      if (ms > budgetMs && Math.min(ms, attempt(re, input)) > budgetMs) {
        return { input: `${JSON.stringify(ch)} x ${n} + NUL`, length: input.length, ms };
      }
    }
  }
  return undefined;
}

function attempt(re: RegExp, input: string): number {
  const started = performance.now();
  re.lastIndex = 0;
  re.test(input);
  return performance.now() - started;
}

export function checkRegex(source: string, flags: string, budgetMs?: number): RegexVerdict {
  const verdict: RegexVerdict = {};
  const nested = nestedQuantifier(source);
  if (nested) verdict.nested = nested;
  let re: RegExp;
  try {
    re = new RegExp(source, `${flags}u`);
  } catch {
    re = new RegExp(source, flags);
  }
  const slow = probeBacktracking(re, budgetMs);
  if (slow) verdict.slow = slow;
  return verdict;
}

/**
 * Sigma string values: literal text with `*` (any run of characters) and `?` (one character)
 * wildcards, `\` escaping a wildcard or a backslash, and `%name%` placeholders once `expand` applied.
 */
export type StringToken = { t: 'lit'; v: string } | { t: 'any' } | { t: 'one' } | { t: 'ph'; name: string };

export type Pattern = readonly StringToken[];

/**
 * As the specification (and pySigma) read it: `\*`, `\?` and `\\` stand for the character after
 * the backslash; a backslash before anything else is itself (so `C:\Windows` needs no doubling).
 */
export function parseSigmaString(raw: string): StringToken[] {
  const out: StringToken[] = [];
  let lit = '';
  const flush = () => {
    if (lit !== '') out.push({ t: 'lit', v: lit });
    lit = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '\\') {
      const n = raw[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else lit += c;
    } else if (c === '*' || c === '?') {
      flush();
      out.push({ t: c === '*' ? 'any' : 'one' });
    } else lit += c;
  }
  flush();
  return out;
}

export function literal(text: string): StringToken[] {
  return text === '' ? [] : [{ t: 'lit', v: text }];
}

/** Merges adjacent literals, so backends see `abc` rather than `a`, `bc`. */
export function normalise(tokens: readonly StringToken[]): StringToken[] {
  const out: StringToken[] = [];
  for (const tok of tokens) {
    const last = out[out.length - 1];
    if (tok.t === 'lit' && last?.t === 'lit') out[out.length - 1] = { t: 'lit', v: last.v + tok.v };
    else if (tok.t !== 'lit' || tok.v !== '') out.push(tok);
  }
  return out;
}

export function hasWildcards(p: Pattern): boolean {
  return p.some((t) => t.t === 'any' || t.t === 'one');
}

export function plainText(p: Pattern): string | undefined {
  if (p.some((t) => t.t !== 'lit')) return undefined;
  return p.map((t) => (t.t === 'lit' ? t.v : '')).join('');
}

/** Splits literals at `%name%` placeholders (the `expand` modifier). */
export function insertPlaceholders(tokens: readonly StringToken[]): StringToken[] {
  const out: StringToken[] = [];
  for (const tok of tokens) {
    if (tok.t !== 'lit') {
      out.push(tok);
      continue;
    }
    const re = /%([A-Za-z0-9_.-]+)%/g;
    let last = 0;
    for (let m = re.exec(tok.v); m; m = re.exec(tok.v)) {
      if (m.index > last) out.push({ t: 'lit', v: tok.v.slice(last, m.index) });
      out.push({ t: 'ph', name: m[1] as string });
      last = m.index + m[0].length;
    }
    if (last < tok.v.length) out.push({ t: 'lit', v: tok.v.slice(last) });
  }
  return out;
}

/** Renders a pattern back in Sigma syntax (escaping what needs it), for messages and tests. */
export function toSigmaSyntax(p: Pattern): string {
  return p
    .map((t) => {
      if (t.t === 'any') return '*';
      if (t.t === 'one') return '?';
      if (t.t === 'ph') return `%${t.name}%`;
      return t.v.replace(/[*?]|\\(?=[*?\\]|$)/g, (m) => `\\${m}`);
    })
    .join('');
}

/**
 * Case folding shared by every backend and the matcher: the simple (one code point to one code
 * point) lower-case mapping, which is what SQL engines' lower() apply. JavaScript's toLowerCase()
 * uses the full mapping, which differs for U+0130 (İ -> i + U+0307) and applies the final-sigma
 * rule in context; folding code point by code point avoids both.
 */
export function foldCase(s: string): string {
  // Fast path: ASCII text folds the same either way.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  if (!/[^\x00-\x7f]/.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    if (ch === '\u0130') {
      out += 'i';
      continue;
    }
    const l = ch.toLowerCase();
    out += [...l].length === 1 ? l : ch;
  }
  return out;
}

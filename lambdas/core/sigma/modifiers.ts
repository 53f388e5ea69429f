import { parseCidr } from './cidr.js';
import { SigmaError } from './errors.js';
import {
  and,
  type CompareOperator,
  type FieldRef,
  type Node,
  not,
  or,
  rawField,
  type ValueTest,
} from './ir.js';
import {
  insertPlaceholders,
  literal,
  normalise,
  type Pattern,
  parseSigmaString,
  plainText,
  type StringToken,
} from './sigma-string.js';
import type { DetectionItem, SigmaScalar } from './types.js';

/** A value while modifiers are applied to it, in the order the rule lists them. */
type MValue =
  | { kind: 'str'; tokens: StringToken[]; cased: boolean; utf16Bom: boolean }
  | { kind: 'num'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 're'; source: string; flags: Set<string> }
  | { kind: 'test'; test: ValueTest }
  | { kind: 'ref'; field: string; starts: boolean; ends: boolean; cased: boolean }
  | { kind: 'exists'; value: boolean };

const SUPPORTED = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  'base64',
  'base64offset',
  'utf16le',
  'wide',
  'utf16be',
  'utf16',
  'windash',
  're',
  'i',
  'ignorecase',
  'm',
  'multiline',
  's',
  'dotall',
  'cidr',
  'exists',
  'expand',
  'gt',
  'gte',
  'lt',
  'lte',
  'fieldref',
  'cased',
  'neq',
]);
const TIME_PARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);

/** Turns one detection item into its condition: OR over its values, AND with `all`, negated by `neq`. */
export function itemToNode(item: DetectionItem): Node {
  const err = (reason: string) => new SigmaError(reason, { line: item.line, field: item.path });
  for (const m of item.modifiers) {
    if (TIME_PARTS.has(m)) throw err(`modifier '${m}' (timestamp part) is not supported`);
    if (!SUPPORTED.has(m)) throw err(`unknown modifier '${m}'`);
  }
  const linkAll = item.modifiers.includes('all');
  const negate = item.modifiers.includes('neq');
  const mods = item.modifiers.filter((m) => m !== 'all' && m !== 'neq');
  if (item.field === undefined) {
    if (mods.some((m) => m !== 'cased')) throw err(`keywords take no modifiers but 'cased' and 'all'`);
    const nodes = item.values.map((v): Node => {
      if (v === null) throw err('a keyword cannot be null');
      // Full-text search finds the keyword anywhere in a field, so it is a contains match.
      const tokens = normalise([{ t: 'any' }, ...parseSigmaString(String(v)), { t: 'any' }]);
      return {
        kind: 'keyword',
        test: { kind: 'string', pattern: dedupeAny(tokens), cased: mods.includes('cased') },
      };
    });
    return linkAll ? and(nodes) : or(nodes);
  }
  const field = rawField(item.field, item.line);
  const nodes = item.values.map((v) => {
    const expanded = applyModifiers(initial(v, mods[0]), mods, err);
    return or(expanded.map((mv) => toNode(field, mv, item.line)));
  });
  const node = linkAll ? and(nodes) : or(nodes);
  return negate ? not(node) : node;
}

function initial(v: SigmaScalar, first: string | undefined): MValue {
  if (v === null) return { kind: 'null' };
  if (typeof v === 'number') return { kind: 'num', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  // `re` reads the value verbatim: its backslashes belong to the regular expression.
  if (first === 're') return { kind: 're', source: v, flags: new Set() };
  return { kind: 'str', tokens: parseSigmaString(v), cased: false, utf16Bom: false };
}

function asString(v: MValue): MValue {
  if (v.kind === 'num' || v.kind === 'bool')
    return { kind: 'str', tokens: literal(String(v.value)), cased: false, utf16Bom: false };
  return v;
}

function applyModifiers(start: MValue, mods: string[], err: (r: string) => SigmaError): MValue[] {
  let values = [start];
  mods.forEach((m, index) => {
    values = values.flatMap((v) => applyOne(m, index, v, err));
  });
  return values;
}

function applyOne(m: string, index: number, v0: MValue, err: (r: string) => SigmaError): MValue[] {
  const v = ['gt', 'gte', 'lt', 'lte', 'exists', 'cidr'].includes(m) ? v0 : asString(v0);
  const needStr = () => {
    if (v.kind !== 'str') throw err(`modifier '${m}' needs a string value`);
    return v;
  };
  switch (m) {
    case 'contains':
    case 'startswith':
    case 'endswith': {
      const head = m !== 'startswith';
      const tail = m !== 'endswith';
      if (v.kind === 're') return [v]; // regular expressions already search anywhere in the text
      if (v.kind === 'ref') return [{ ...v, starts: v.starts || tail, ends: v.ends || head }];
      const s = needStr();
      const tokens = [...s.tokens];
      if (head && tokens[0]?.t !== 'any') tokens.unshift({ t: 'any' });
      if (tail && tokens[tokens.length - 1]?.t !== 'any') tokens.push({ t: 'any' });
      return [{ ...s, tokens }];
    }
    case 'cased': {
      if (v.kind === 'ref') return [{ ...v, cased: true }];
      return [{ ...needStr(), cased: true }];
    }
    case 'expand':
      return [{ ...needStr(), tokens: insertPlaceholders(needStr().tokens) }];
    case 'wide':
    case 'utf16le':
    case 'utf16be':
    case 'utf16': {
      const s = needStr();
      const tokens = s.tokens.map((t): StringToken => {
        if (t.t !== 'lit') return t;
        // As pySigma: each character becomes its two UTF-16 bytes, kept as characters; ASCII only.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and non-ASCII are what is refused
        if (/[^\x01-\x7f]/.test(t.v)) throw err(`modifier '${m}' is only defined for ASCII text`);
        const enc = [...t.v].map((c) => (m === 'utf16be' ? `\0${c}` : `${c}\0`)).join('');
        return { t: 'lit', v: enc };
      });
      if (m === 'utf16') tokens.unshift({ t: 'lit', v: '\ufeff' });
      return [{ ...s, tokens: normalise(tokens), utf16Bom: m === 'utf16' }];
    }
    case 'base64':
    case 'base64offset': {
      const s = needStr();
      const text = plainText(s.tokens);
      if (text === undefined) throw err(`modifier '${m}' cannot encode wildcards or placeholders`);
      const bytes = encodeBytes(text, s.utf16Bom);
      if (m === 'base64') return [{ kind: 'str', tokens: literal(b64(bytes)), cased: true, utf16Bom: false }];
      // Three encodings, one per alignment of the value in a longer encoded text; the characters
      // that depend on the unknown neighbouring bytes are cut (pySigma's offsets).
      const starts = [0, 2, 3];
      const ends = [undefined, -3, -2];
      return [0, 1, 2].map((i) => {
        const enc = b64(new Uint8Array([...new Array(i).fill(0x20), ...bytes]));
        const cut = enc.slice(starts[i], ends[(bytes.length + i) % 3]);
        return { kind: 'str', tokens: literal(cut), cased: true, utf16Bom: false };
      });
    }
    case 'windash':
      return windash(needStr(), err);
    case 're':
      if (index !== 0) throw err(`modifier 're' must come first`);
      if (v.kind !== 're') throw err(`modifier 're' needs a string value`);
      try {
        new RegExp(v.source, 'u');
      } catch {
        try {
          new RegExp(v.source);
        } catch (e) {
          throw err(`invalid regular expression: ${(e as Error).message}`);
        }
      }
      return [v];
    case 'i':
    case 'ignorecase':
    case 'm':
    case 'multiline':
    case 's':
    case 'dotall': {
      if (v.kind !== 're') throw err(`modifier '${m}' applies to 're' only`);
      const flag = m[0] === 'd' ? 's' : (m[0] as string);
      return [{ ...v, flags: new Set([...v.flags, flag]) }];
    }
    case 'cidr': {
      if (index !== 0) throw err(`modifier 'cidr' must come first`);
      if (v.kind !== 'str') throw err(`modifier 'cidr' needs a network such as 10.0.0.0/8`);
      const net = parseCidr(plainText(v.tokens) ?? '');
      if (!net) throw err(`'${plainText(v.tokens) ?? ''}' is not an IPv4 or IPv6 network`);
      return [{ kind: 'test', test: { kind: 'cidr', ...net } }];
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (v.kind !== 'num') throw err(`modifier '${m}' needs a number`);
      return [{ kind: 'test', test: { kind: 'compare', op: m as CompareOperator, value: v.value } }];
    case 'exists':
      if (v.kind !== 'bool') throw err(`modifier 'exists' needs true or false`);
      return [{ kind: 'exists', value: v.value }];
    case 'fieldref': {
      const s = needStr();
      const name = plainText(s.tokens);
      if (name === undefined || name === '')
        throw err('a field reference must be a field name without wildcards');
      return [{ kind: 'ref', field: name, starts: false, ends: false, cased: false }];
    }
  }
  throw err(`unknown modifier '${m}'`);
}

function encodeBytes(text: string, utf16Bom: boolean): Uint8Array {
  let bytes = new TextEncoder().encode(text);
  // The utf16 modifier's BOM is U+FEFF (UTF-8 EF BB BF); encoded it must be the UTF-16LE BOM FF FE.
  if (utf16Bom && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    bytes = new Uint8Array([0xff, 0xfe, ...bytes.subarray(3)]);
  }
  return bytes;
}

function b64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];

/** Every spelling of the value with `-` or `/` at a word start replaced by each dash-like character. */
function windash(s: MValue & { kind: 'str' }, err: (r: string) => SigmaError): MValue[] {
  let variants: StringToken[][] = [[]];
  for (const t of s.tokens) {
    if (t.t !== 'lit') {
      variants = variants.map((v) => [...v, t]);
      continue;
    }
    const pieces = t.v.split(/\B[-/]\b/);
    let texts = [pieces[0] as string];
    for (const piece of pieces.slice(1)) texts = texts.flatMap((x) => DASHES.map((d) => x + d + piece));
    variants = variants.flatMap((v) => texts.map((x) => [...v, { t: 'lit', v: x } as StringToken]));
    if (variants.length > 625) throw err(`modifier 'windash' expands to more than 625 values`);
  }
  return variants.map((tokens) => ({ ...s, tokens: normalise(tokens) }));
}

function dedupeAny(tokens: StringToken[]): StringToken[] {
  return tokens.filter((t, i) => !(t.t === 'any' && tokens[i - 1]?.t === 'any'));
}

function toNode(field: FieldRef, v: MValue, line: number | undefined): Node {
  switch (v.kind) {
    case 'null':
      return { kind: 'pred', field, test: { kind: 'null' } };
    case 'exists': {
      const isNull: Node = { kind: 'pred', field, test: { kind: 'null' } };
      return v.value ? not(isNull) : isNull;
    }
    case 'num':
      return { kind: 'pred', field, test: { kind: 'number', value: v.value } };
    case 'bool':
      return {
        kind: 'pred',
        field,
        test: { kind: 'string', pattern: literal(String(v.value)), cased: false },
      };
    case 'str': {
      const pattern: Pattern = dedupeAny(normalise(v.tokens));
      // `*` alone matches any text, so it says the field has a value.
      if (pattern.length === 1 && pattern[0]?.t === 'any') {
        return not({ kind: 'pred', field, test: { kind: 'null' } });
      }
      return { kind: 'pred', field, test: { kind: 'string', pattern, cased: v.cased } };
    }
    case 're':
      return {
        kind: 'pred',
        field,
        test: { kind: 'regex', source: v.source, flags: [...v.flags].sort().join('') },
      };
    case 'test':
      return { kind: 'pred', field, test: v.test };
    case 'ref': {
      const mode = v.starts && v.ends ? 'contains' : v.starts ? 'startswith' : v.ends ? 'endswith' : 'eq';
      return {
        kind: 'pred',
        field,
        test: { kind: 'fieldref', other: rawField(v.field, line), mode, cased: v.cased },
      };
    }
  }
}

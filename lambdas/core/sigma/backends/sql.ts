import { SigmaError } from '../errors.js';
import type { FieldRef, Node, ValueTest } from '../ir.js';
import { foldCase, type Pattern, plainText } from '../sigma-string.js';
import type { Dialect } from './dialect.js';

/**
 * Renders a condition tree as a SQL boolean expression. Values only ever reach the SQL text through
 * the dialect's literal function, so no value can leave its literal.
 *
 * NULL: a WHERE clause treats NULL as false, and AND/OR are monotone, so outside any NOT a
 * predicate that yields NULL for a missing field already behaves as false. Under NOT it would not
 * (NOT NULL is NULL), so exactly the predicates under a NOT are wrapped to yield false instead.
 */
export function renderCondition(node: Node, d: Dialect): string {
  return render(node, d, false);
}

function render(node: Node, d: Dialect, underNot: boolean): string {
  switch (node.kind) {
    case 'const':
      return node.value ? d.trueExpr : d.falseExpr;
    case 'and':
    case 'or': {
      const sep = node.kind === 'and' ? ' AND ' : ' OR ';
      return node.children
        .map((c) => {
          const s = render(c, d, underNot);
          return (c.kind === 'or' && node.kind === 'and') || c.kind === 'and' ? `(${s})` : s;
        })
        .join(sep);
    }
    case 'not':
      return `NOT (${render(node.child, d, true)})`;
    case 'keyword':
      throw new SigmaError(
        'keyword (full-text) search needs the fields to search: use a pipeline or pass keywordFields',
      );
    case 'pred': {
      const s = renderPred(node.field, node.test, d);
      return underNot && node.test.kind !== 'null' ? d.wrapFalse(s) : s;
    }
  }
}

export function fieldExpr(f: FieldRef, d: Dialect): string {
  return f.access.kind === 'column' ? d.column(f.access.path) : d.json(f.access.path, f.access.keys);
}

/** The field as text: string columns and JSON extractions already are; anything else is cast. */
export function textExpr(f: FieldRef, d: Dialect): string {
  const e = fieldExpr(f, d);
  return f.type === 'string' || f.type === 'json' || f.access.kind === 'json' ? e : d.text(e);
}

function renderPred(f: FieldRef, t: ValueTest, d: Dialect): string {
  switch (t.kind) {
    case 'null':
      return `${fieldExpr(f, d)} IS NULL`;
    case 'string':
      return renderPattern(textExpr(f, d), t.pattern, t.cased, d);
    case 'number':
      if (f.type === 'number') return `${fieldExpr(f, d)} = ${d.num(t.value)}`;
      return `${textExpr(f, d)} = ${d.str(String(t.value))}`;
    case 'regex': {
      if (!d.regex)
        throw new SigmaError(`the ${d.name} dialect has no regular-expression predicate ('re' modifier)`);
      if (d.name !== 'athena' && /\(\?<?[=!]|\\[1-9]/.test(t.source)) {
        throw new SigmaError(
          `${d.name} regular expressions (RE2) have no lookaround or backreferences: ${t.source}`,
        );
      }
      return d.regex(textExpr(f, d), d.regexFlags(t.flags) + t.source);
    }
    case 'compare': {
      const sym = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[t.op];
      if (f.type === 'number') return `${fieldExpr(f, d)} ${sym} ${d.num(t.value)}`;
      const tx = textExpr(f, d);
      return `(CASE WHEN ${d.isDecimal(tx)} THEN ${d.tryDouble(tx)} END) ${sym} ${d.num(t.value)}`;
    }
    case 'cidr': {
      const s = d.cidr(textExpr(f, d), t);
      if (s === undefined)
        throw new SigmaError(`the ${d.name} dialect cannot test IPv${t.family} networks (${t.text})`);
      return s;
    }
    case 'fieldref': {
      const fold = (e: string) => (t.cased ? e : d.lower(e));
      const a = fold(textExpr(f, d));
      const b = fold(textExpr(t.other, d));
      switch (t.mode) {
        case 'eq':
          return `${a} = ${b}`;
        case 'contains':
          return d.contains(a, b);
        case 'startswith':
          return d.startsWith(a, b);
        case 'endswith':
          return d.endsWith(a, b);
      }
    }
  }
}

/** Equality when there is no wildcard, LIKE otherwise; case-insensitive by folding both sides. */
export function renderPattern(text: string, pattern: Pattern, cased: boolean, d: Dialect): string {
  const fold = (s: string) => (cased ? s : foldCase(s));
  const target = cased ? text : d.lower(text);
  const plain = plainText(pattern);
  if (plain !== undefined) return `${target} = ${d.str(fold(plain))}`;
  const like = pattern
    .map((tok) => {
      if (tok.t === 'any') return '%';
      if (tok.t === 'one') return '_';
      if (tok.t === 'ph') throw new SigmaError(`placeholder %${tok.name}% has no value: pass placeholders`);
      return d.escapeLike(fold(tok.v));
    })
    .join('');
  return d.like(target, d.str(like));
}

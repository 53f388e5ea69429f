import { listFieldError, SigmaError } from '../errors.js';
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
      // A test on list elements is TRUE or FALSE, never NULL (anyElement).
      const total = node.test.kind === 'null' || node.field.access.kind === 'element';
      return underNot && !total ? d.wrapFalse(s) : s;
    }
  }
}

/** The field's value; `scope`: the variable an element is bound to, when `f` is inside that element. */
export function fieldExpr(f: FieldRef, d: Dialect, scope?: string): string {
  const a = f.access;
  if (a.kind === 'element') throw listFieldError(f, 'it cannot be read as one value here');
  if (scope !== undefined)
    return a.kind === 'column' ? d.elementColumn(scope, a.path) : d.elementJson(scope, a.path, a.keys);
  return a.kind === 'column' ? d.column(a.path) : d.json(a.path, a.keys);
}

/** The field as text: string columns and JSON extractions already are; anything else is cast. */
export function textExpr(f: FieldRef, d: Dialect, scope?: string): string {
  const e = fieldExpr(f, d, scope);
  return f.type === 'string' || f.type === 'json' || f.access.kind === 'json' ? e : d.text(e);
}

/**
 * A field inside a list: the test holds when it holds for any element (nested lists: any element
 * of any element). `null` (and `exists: false`) claims the opposite, that no element has a value:
 * NOT any(value IS NOT NULL), true for a NULL or empty list too.
 */
function renderElements(f: FieldRef, t: ValueTest, d: Dialect): string {
  const any = d.anyElement;
  if (!any) throw new SigmaError(`the ${d.name} dialect cannot test fields inside lists (${f.sigma})`);
  if (t.kind === 'fieldref') throw fieldrefOnList(f, t.other);
  // Variables are numbered by depth, so a nested list's predicate never shadows the outer element.
  const walk = (
    g: FieldRef,
    leaf: (e: FieldRef, v: string) => string,
    depth: number,
    outer?: string,
  ): string => {
    if (g.access.kind !== 'element') return leaf(g, outer as string);
    const v = `_x${depth}`;
    const pred = walk({ ...g, access: g.access.element }, leaf, depth + 1, v);
    return any(outer === undefined ? { path: g.access.path } : { path: g.access.path, outer }, v, pred);
  };
  if (t.kind === 'null') return `NOT (${walk(f, (e, v) => `${fieldExpr(e, d, v)} IS NOT NULL`, 1)})`;
  return walk(f, (e, v) => renderPred(e, t, d, v), 1);
}

/** Comparing with a field in a list would need a rule for which elements pair up: refused. */
function fieldrefOnList(f: FieldRef, other: FieldRef): SigmaError {
  return listFieldError(
    f.access.kind === 'element' ? f : other,
    'a field reference (fieldref) cannot use it',
  );
}

function renderPred(f: FieldRef, t: ValueTest, d: Dialect, scope?: string): string {
  if (f.access.kind === 'element') return renderElements(f, t, d);
  switch (t.kind) {
    case 'null':
      return `${fieldExpr(f, d, scope)} IS NULL`;
    case 'string':
      return renderPattern(textExpr(f, d, scope), t.pattern, t.cased, d);
    case 'number':
      if (f.type === 'number') return `${fieldExpr(f, d, scope)} = ${d.num(t.value)}`;
      return `${textExpr(f, d, scope)} = ${d.str(String(t.value))}`;
    case 'regex': {
      if (!d.regex)
        throw new SigmaError(`the ${d.name} dialect has no regular-expression predicate ('re' modifier)`);
      if (d.name !== 'athena' && /\(\?<?[=!]|\\[1-9]/.test(t.source)) {
        throw new SigmaError(
          `${d.name} regular expressions (RE2) have no lookaround or backreferences: ${t.source}`,
        );
      }
      return d.regex(textExpr(f, d, scope), d.regexFlags(t.flags) + t.source);
    }
    case 'compare': {
      const sym = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[t.op];
      if (f.type === 'number') return `${fieldExpr(f, d, scope)} ${sym} ${d.num(t.value)}`;
      const tx = textExpr(f, d, scope);
      return `(CASE WHEN ${d.isDecimal(tx)} THEN ${d.tryDouble(tx)} END) ${sym} ${d.num(t.value)}`;
    }
    case 'cidr': {
      const s = d.cidr(textExpr(f, d, scope), t);
      if (s === undefined)
        throw new SigmaError(`the ${d.name} dialect cannot test IPv${t.family} networks (${t.text})`);
      return s;
    }
    case 'fieldref': {
      if (t.other.access.kind === 'element') throw fieldrefOnList(f, t.other);
      const fold = (e: string) => (t.cased ? e : d.lower(e));
      const a = fold(textExpr(f, d, scope));
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

import type { Pattern } from './sigma-string.js';

/**
 * The intermediate form every backend renders and the matcher compiles: a condition tree over field
 * references and typed value tests. The parser's search identifiers, quantifiers and modifiers are
 * gone by now; the pipeline has resolved field names to column expressions and keywords to fields.
 */

/**
 * How a field is reached in a row: a column and its struct fields, keys inside a JSON text column,
 * or each element of a list. An `element` access names the list (a column and struct fields), then
 * the field inside each element as an access of its own, relative to the element: `column` with an
 * empty path is the element itself (a list of scalars), a further `element` a list inside it. A
 * predicate on it holds when it holds for any element, as on multi-valued fields in Elastic or Splunk.
 */
export type FieldAccess =
  | { kind: 'column'; path: string[] }
  | { kind: 'json'; path: string[]; keys: string[] }
  | { kind: 'element'; path: string[]; element: FieldAccess };

/** What the schema knows of a field's type; `unknown` (no pipeline) makes backends compare its text form. */
export type FieldType =
  | 'string'
  | 'number'
  | 'boolean'
  | 'timestamp'
  | 'json'
  | 'struct'
  | 'list'
  | 'unknown';

export interface FieldRef {
  /** The Sigma field name, for messages. */
  sigma: string;
  access: FieldAccess;
  type: FieldType;
  /** Line of the detection item that names it, for errors raised after parsing. */
  line?: number;
  /**
   * For a struct (an object of fixed shape): its leaf fields. A value test on the struct holds when
   * it holds for any of them (`Parameters|contains: x` searches every field of each parameter), the
   * same in every engine; the struct's text form differs between them (Athena cannot even cast a
   * row to text).
   */
  leaves?: FieldRef[];
}

export type CompareOperator = 'gt' | 'gte' | 'lt' | 'lte';

export type ValueTest =
  /** The field is missing or null (`field: null`, `field|exists: false`). */
  | { kind: 'null' }
  /** Text-form match, case-insensitive unless `cased`; `*` and `?` wildcards. */
  | { kind: 'string'; pattern: Pattern; cased: boolean }
  /** A number: equal when the field holds it as a number or its text form is the number's text. */
  | { kind: 'number'; value: number }
  /** Regular expression search (unanchored), with flags from i, m, s. */
  | { kind: 'regex'; source: string; flags: string }
  /** The field's text is an IP address of the family inside the network. */
  | { kind: 'cidr'; family: 4 | 6; prefix: number; bytes: number[]; text: string }
  /** Numeric comparison; text that is not a decimal number never satisfies it. */
  | { kind: 'compare'; op: CompareOperator; value: number }
  /** Compares with another field of the same event. */
  | {
      kind: 'fieldref';
      other: FieldRef;
      mode: 'eq' | 'contains' | 'startswith' | 'endswith';
      cased: boolean;
    };

export type Node =
  | { kind: 'and' | 'or'; children: Node[] }
  | { kind: 'not'; child: Node }
  | { kind: 'const'; value: boolean }
  | { kind: 'pred'; field: FieldRef; test: ValueTest }
  /** Full-text search: until a pipeline names the fields to search, the backend cannot render it. */
  | { kind: 'keyword'; test: ValueTest & { kind: 'string' } };

export const TRUE: Node = { kind: 'const', value: true };
export const FALSE: Node = { kind: 'const', value: false };

export function and(children: Node[]): Node {
  const flat: Node[] = [];
  for (const c of children) {
    if (c.kind === 'const') {
      if (!c.value) return FALSE;
      continue;
    }
    if (c.kind === 'and') flat.push(...c.children);
    else flat.push(c);
  }
  if (flat.length === 0) return TRUE;
  return flat.length === 1 ? (flat[0] as Node) : { kind: 'and', children: flat };
}

export function or(children: Node[]): Node {
  const flat: Node[] = [];
  for (const c of children) {
    if (c.kind === 'const') {
      if (c.value) return TRUE;
      continue;
    }
    if (c.kind === 'or') flat.push(...c.children);
    else flat.push(c);
  }
  if (flat.length === 0) return FALSE;
  return flat.length === 1 ? (flat[0] as Node) : { kind: 'or', children: flat };
}

export function not(child: Node): Node {
  if (child.kind === 'const') return { kind: 'const', value: !child.value };
  if (child.kind === 'not') return child.child;
  return { kind: 'not', child };
}

/** A field as Sigma names it, before any pipeline: dotted names are nested struct fields. */
export function rawField(name: string, line?: number): FieldRef {
  const f: FieldRef = { sigma: name, access: { kind: 'column', path: name.split('.') }, type: 'unknown' };
  if (line !== undefined) f.line = line;
  return f;
}

/** Rebuilds a tree bottom-up; `fn` sees every node after its children were mapped. */
export function mapTree(node: Node, fn: (n: Node) => Node): Node {
  switch (node.kind) {
    case 'and':
      return fn(and(node.children.map((c) => mapTree(c, fn))));
    case 'or':
      return fn(or(node.children.map((c) => mapTree(c, fn))));
    case 'not':
      return fn(not(mapTree(node.child, fn)));
    default:
      return fn(node);
  }
}

export function walk(node: Node, fn: (n: Node) => void): void {
  fn(node);
  if (node.kind === 'and' || node.kind === 'or') {
    for (const c of node.children) walk(c, fn);
  } else if (node.kind === 'not') walk(node.child, fn);
}

/** Every field the tree reads, in first-use order. */
export function fieldsOf(node: Node): FieldRef[] {
  const seen = new Map<string, FieldRef>();
  walk(node, (n) => {
    if (n.kind !== 'pred') return;
    for (const f of n.test.kind === 'fieldref' ? [n.field, n.test.other] : [n.field]) {
      if (!seen.has(f.sigma)) seen.set(f.sigma, f);
    }
  });
  return [...seen.values()];
}

import { listFieldError, SigmaError } from './errors.js';
import { type FieldRef, mapTree, type Node, or } from './ir.js';
import { normalise, parseSigmaString, type StringToken } from './sigma-string.js';

/** Replaces Sigma field names by the pipeline's column expressions and keywords by field tests. */
export function mapFields(node: Node, field: (name: string) => FieldRef, keywordFields?: FieldRef[]): Node {
  const map = (f: FieldRef): FieldRef => {
    try {
      return field(f.sigma);
    } catch (err) {
      throw err instanceof SigmaError ? err.at({ line: f.line }) : err;
    }
  };
  return mapTree(node, (n) => {
    if (n.kind === 'pred') {
      if (n.test.kind === 'fieldref') {
        const [field, other] = [map(n.field), map(n.test.other)];
        // Which element of a list would pair with which value is not defined: refused at compile time.
        for (const [f, raw] of [
          [field, n.field],
          [other, n.test.other],
        ] as const) {
          if (f.access.kind === 'element')
            throw listFieldError({ ...f, line: raw.line }, 'a field reference (fieldref) cannot use it');
        }
        return { ...n, field, test: { ...n.test, other } };
      }
      const mapped = map(n.field);
      // A value test on an object searches its fields; only null/exists is about the object itself.
      if (mapped.leaves && n.test.kind !== 'null') {
        const test = n.test;
        return or(mapped.leaves.map((leaf): Node => ({ kind: 'pred', field: leaf, test })));
      }
      return { ...n, field: mapped };
    }
    if (n.kind === 'keyword') {
      if (!keywordFields) return n;
      return or(keywordFields.map((f): Node => ({ kind: 'pred', field: f, test: n.test })));
    }
    return n;
  });
}

/**
 * `expand`: each `%name%` becomes each of its values (an OR over the combinations). The values are
 * Sigma strings, so they may carry wildcards; a placeholder without values is an error, never `*`.
 */
export function resolvePlaceholders(node: Node, values: Record<string, readonly string[]> = {}): Node {
  return mapTree(node, (n) => {
    if ((n.kind !== 'pred' && n.kind !== 'keyword') || n.test.kind !== 'string') return n;
    const test = n.test;
    if (!test.pattern.some((t) => t.t === 'ph')) return n;
    let variants: StringToken[][] = [[]];
    for (const tok of test.pattern) {
      if (tok.t !== 'ph') {
        variants = variants.map((v) => [...v, tok]);
        continue;
      }
      const vals = values[tok.name];
      if (!vals || vals.length === 0) {
        throw new SigmaError(`placeholder %${tok.name}% has no values (pass placeholders.${tok.name})`, {
          field: n.kind === 'pred' ? n.field.sigma : undefined,
          line: n.kind === 'pred' ? n.field.line : undefined,
        });
      }
      variants = variants.flatMap((v) => vals.map((x) => [...v, ...parseSigmaString(x)]));
    }
    return or(variants.map((p): Node => ({ ...n, test: { ...test, pattern: normalise(p) } }) as Node));
  });
}

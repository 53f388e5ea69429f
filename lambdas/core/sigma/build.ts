import { SigmaError } from './errors.js';
import { and, type Node, not, or } from './ir.js';
import { itemToNode } from './modifiers.js';
import type { ConditionNode, Detection, SelectionDef } from './types.js';

/** The rule's detection as one condition tree: search identifiers replaced by what they select. */
export function detectionToNode(det: Detection, file?: string): Node {
  const cache = new Map<string, Node>();
  const selection = (name: string): Node => {
    let node = cache.get(name);
    if (!node) {
      const def = det.selections.get(name);
      if (!def) {
        throw new SigmaError(`condition refers to '${name}', which the detection does not define`, {
          file,
          line: det.conditionLine,
          field: 'detection.condition',
        });
      }
      try {
        node = selectionToNode(def);
      } catch (err) {
        throw err instanceof SigmaError ? err.at({ file }) : err;
      }
      cache.set(name, node);
    }
    return node;
  };
  const build = (c: ConditionNode): Node => {
    switch (c.kind) {
      case 'and':
        return and(c.children.map(build));
      case 'or':
        return or(c.children.map(build));
      case 'not':
        return not(build(c.child));
      case 'ref':
        return selection(c.name);
      case 'of': {
        const names = matchNames([...det.selections.keys()], c.pattern);
        if (names.length === 0) {
          throw new SigmaError(
            `'${c.quantifier === 'all' ? 'all' : '1'} of ${c.pattern}' matches no search identifier`,
            {
              file,
              line: det.conditionLine,
              field: 'detection.condition',
            },
          );
        }
        const nodes = names.map(selection);
        return c.quantifier === 'all' ? and(nodes) : or(nodes);
      }
    }
  };
  return build(det.condition);
}

/** `them` is every identifier except those starting with `_` (the specification's exclusion). */
function matchNames(names: string[], pattern: string): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return names.filter((n) => re.test(n));
}

function selectionToNode(def: SelectionDef): Node {
  const parts = def.items.map((item) => ('kind' in item ? selectionToNode(item) : itemToNode(item)));
  return def.kind === 'and' ? and(parts) : or(parts);
}

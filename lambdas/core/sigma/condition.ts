import { SigmaError } from './errors.js';
import type { CompareOp, ConditionNode, LegacyAggregation } from './types.js';

/**
 * The condition grammar: `or` binds loosest, then `and`, then `not`; parentheses group;
 * `1 of x*` / `all of x*` / `1 of them` / `all of them` quantify over search identifiers. Keywords
 * are case-insensitive, as in pySigma.
 */
export interface ParsedCondition {
  tree: ConditionNode;
  aggregation?: LegacyAggregation;
}

type Token = { kind: 'word' | 'lparen' | 'rparen'; text: string; pos: number };

export function parseCondition(text: string): ParsedCondition {
  const bar = text.indexOf('|');
  const expr = bar >= 0 ? text.slice(0, bar) : text;
  const tokens = tokenize(expr);
  const p = new Parser(tokens, text);
  const tree = p.parseOr();
  if (p.peek()) throw new SigmaError(`unexpected '${p.peek()?.text}' at column ${(p.peek()?.pos ?? 0) + 1}`);
  if (bar < 0) return { tree };
  return { tree, aggregation: parseAggregation(text.slice(bar + 1).trim()) };
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\()|(\))|([^\s()]+))/y;
  let end = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    end = re.lastIndex;
    const pos = end - (m[1] ?? m[2] ?? m[3] ?? '').length;
    if (m[1]) out.push({ kind: 'lparen', text: '(', pos });
    else if (m[2]) out.push({ kind: 'rparen', text: ')', pos });
    else out.push({ kind: 'word', text: m[3] as string, pos });
  }
  if (text.slice(end).trim() !== '') throw new SigmaError(`cannot read condition '${text}'`);
  return out;
}

const RESERVED = new Set(['and', 'or', 'not', 'of', 'them']);

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.text.toLowerCase() === word;
  }

  parseOr(): ConditionNode {
    const children = [this.parseAnd()];
    while (this.isWord('or')) {
      this.i++;
      children.push(this.parseAnd());
    }
    return children.length === 1 ? (children[0] as ConditionNode) : { kind: 'or', children };
  }

  private parseAnd(): ConditionNode {
    const children = [this.parseNot()];
    while (this.isWord('and')) {
      this.i++;
      children.push(this.parseNot());
    }
    return children.length === 1 ? (children[0] as ConditionNode) : { kind: 'and', children };
  }

  private parseNot(): ConditionNode {
    if (this.isWord('not')) {
      this.i++;
      return { kind: 'not', child: this.parseNot() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): ConditionNode {
    const t = this.peek();
    if (!t) throw new SigmaError(`condition '${this.text.trim()}' ends where an identifier was expected`);
    if (t.kind === 'lparen') {
      this.i++;
      const inner = this.parseOr();
      if (this.peek()?.kind !== 'rparen') {
        throw new SigmaError(`missing ')' for '(' at column ${t.pos + 1} in condition '${this.text.trim()}'`);
      }
      this.i++;
      return inner;
    }
    if (t.kind === 'rparen') throw new SigmaError(`unexpected ')' at column ${t.pos + 1}`);
    const word = t.text.toLowerCase();
    if (word === '1' || word === 'all' || word === 'any') {
      const of = this.tokens[this.i + 1];
      if (of?.kind === 'word' && of.text.toLowerCase() === 'of') {
        const target = this.tokens[this.i + 2];
        if (target?.kind !== 'word') {
          throw new SigmaError(`'${t.text} of' at column ${t.pos + 1} needs 'them' or a name pattern`);
        }
        this.i += 3;
        const pattern = target.text.toLowerCase() === 'them' ? 'them' : target.text;
        return { kind: 'of', quantifier: word === 'all' ? 'all' : 'one', pattern };
      }
    }
    if (RESERVED.has(word)) throw new SigmaError(`unexpected '${t.text}' at column ${t.pos + 1}`);
    this.i++;
    return { kind: 'ref', name: t.text };
  }
}

const OPS: Record<string, CompareOp> = {
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  '=': 'eq',
  '==': 'eq',
  '!=': 'neq',
};

/** Sigma 1's `count([field]) [by group] op n`, kept so deprecated rules can still be converted. */
function parseAggregation(text: string): LegacyAggregation {
  const m = /^count\(\s*([^)\s]*)\s*\)\s*(?:by\s+(\S+)\s*)?(>=|<=|==|!=|>|<|=)\s*(\d+(?:\.\d+)?)$/i.exec(
    text,
  );
  if (!m) throw new SigmaError(`unsupported aggregation '| ${text}' (only count() is defined)`);
  const agg: LegacyAggregation = {
    function: 'count',
    op: OPS[m[3] as string] as CompareOp,
    value: Number(m[4]),
  };
  if (m[1]) agg.field = m[1];
  if (m[2]) agg.groupBy = m[2];
  return agg;
}

/** One problem lint found in a rule file: where it is, how bad, and what to do about it. */
export interface Finding {
  /** The check that found it, e.g. `unknown-field`. */
  check: string;
  severity: 'error' | 'warning';
  file: string;
  line?: number;
  /** The dotted path of the field at fault, e.g. `detection.selection.eventName|contains`. */
  field?: string;
  /** The rule's id (or title) when the problem belongs to one rule. */
  rule?: string;
  message: string;
}

/** `file:line field: message`, the shape every Mantissa Log error takes. */
export function formatFinding(f: Finding): string {
  const where = [f.file, f.line].filter((p) => p !== undefined).join(':');
  return `${where}${f.field ? ` ${f.field}` : ''}: ${f.severity}: ${f.message} [${f.check}]`;
}

import type { FieldRef } from './ir.js';

/** Where in a rule file something is: 1-based line, and the dotted path of the field. */
export interface SigmaLocation {
  file?: string;
  line?: number;
  field?: string;
}

/**
 * Every problem the compiler reports: a parse error, an unsupported construct or a construct a
 * dialect cannot express. The message is what a detection engineer sees, so it always names the
 * file, the line and the field when they are known (`rule.yml:12 detection.sel.Foo|bar: ...`).
 */
export class SigmaError extends Error {
  override readonly name = 'SigmaError';
  readonly reason: string;
  readonly location: SigmaLocation;

  constructor(reason: string, location: SigmaLocation = {}) {
    super(formatLocation(location) + reason);
    this.reason = reason;
    this.location = location;
  }

  /** The same error with a location filled in where this one had none. */
  at(location: SigmaLocation): SigmaError {
    return new SigmaError(this.reason, {
      file: this.location.file ?? location.file,
      line: this.location.line ?? location.line,
      field: this.location.field ?? location.field,
    });
  }
}

function formatLocation(loc: SigmaLocation): string {
  const where = [loc.file, loc.line].filter((p) => p !== undefined).join(':');
  const parts = [where, loc.field].filter((p) => p !== undefined && p !== '');
  return parts.length > 0 ? `${parts.join(' ')}: ` : '';
}

/**
 * A field inside a list (`target.alternateId`) used where one value per event is needed: a field
 * reference (which elements would pair up?), a correlation's group-by or value field. `what` ends
 * the message: `a correlation cannot group by it`.
 */
export function listFieldError(f: FieldRef, what: string, where?: SigmaLocation): SigmaError {
  const list = f.access.kind === 'element' ? f.access.path.join('.') : '?';
  return new SigmaError(
    `field '${f.sigma}' is inside the list ${list} (one value per element, not one per event): ${what}`,
    where ?? { field: f.sigma, line: f.line },
  );
}

/**
 * Timestamp formats a custom source may declare: iso8601, epoch_s, epoch_ms, or a strftime-like
 * pattern (`%Y-%m-%d %H:%M:%S`, `%d/%b/%Y:%H:%M:%S %z`). A pattern is compiled once into a regular
 * expression; times without `%z` are taken as UTC.
 */
import { parseTimestamp } from '../../schema/conform.js';

export type TimeParser = (value: unknown) => Date;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Directive -> [regex, field]. */
const DIRECTIVES: Record<string, [string, string]> = {
  Y: ['(\\d{4})', 'year'],
  m: ['(\\d{1,2})', 'month'],
  d: ['(\\d{1,2})', 'day'],
  e: ['\\s?(\\d{1,2})', 'day'],
  H: ['(\\d{1,2})', 'hour'],
  M: ['(\\d{2})', 'minute'],
  S: ['(\\d{2})', 'second'],
  f: ['(\\d{1,9})', 'fraction'],
  b: ['([A-Za-z]{3})', 'monthName'],
  z: ['(Z|[+-]\\d{2}:?\\d{2})', 'zone'],
};

/** The directives a pattern may use, for error messages. */
export const SUPPORTED_DIRECTIVES = Object.keys(DIRECTIVES).map((d) => `%${d}`);

/** Compiles a strftime-like pattern; throws Error naming the bad directive. */
export function compilePattern(pattern: string): TimeParser {
  const fields: string[] = [];
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c !== '%') {
      source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const d = pattern.charAt(++i);
    if (d === '%') {
      source += '%';
      continue;
    }
    const directive = DIRECTIVES[d];
    if (!directive)
      throw new Error(`unsupported directive %${d} (supported: ${SUPPORTED_DIRECTIVES.join(' ')})`);
    source += directive[0];
    fields.push(directive[1]);
  }
  if (
    !fields.includes('year') ||
    !(fields.includes('month') || fields.includes('monthName')) ||
    !fields.includes('day')
  ) {
    throw new Error('a pattern needs at least %Y, %m (or %b) and %d');
  }
  const re = new RegExp(`^${source}$`);
  return (value) => {
    const m = typeof value === 'string' ? re.exec(value.trim()) : null;
    if (!m) throw new Error(`${JSON.stringify(value)} does not match the pattern ${JSON.stringify(pattern)}`);
    const got: Record<string, string> = {};
    fields.forEach((f, i) => {
      got[f] = m[i + 1] ?? '';
    });
    const month = got.monthName ? MONTHS.indexOf(got.monthName.toLowerCase()) : Number(got.month) - 1;
    if (month < 0 || month > 11) throw new Error(`${JSON.stringify(value)}: no such month`);
    const ms = Number((got.fraction ?? '0').padEnd(3, '0').slice(0, 3));
    const day = Number(got.day);
    const hour = Number(got.hour ?? 0);
    const minute = Number(got.minute ?? 0);
    const second = Number(got.second ?? 0);
    let t = Date.UTC(Number(got.year), month, day, hour, minute, second, ms);
    // Date.UTC rolls 31 Feb over into March; a time that does not round-trip is not a real time.
    const wall = new Date(t);
    if (
      wall.getUTCDate() !== day ||
      wall.getUTCMonth() !== month ||
      hour > 23 ||
      minute > 59 ||
      second > 59
    ) {
      throw new Error(`${JSON.stringify(value)} is not a valid time`);
    }
    const zone = got.zone;
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return new Date(t);
  };
}

function epoch(scale: number, name: string): TimeParser {
  return (value) => {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)
          ? Number(value)
          : NaN;
    if (!Number.isFinite(n)) throw new Error(`expected ${name} (a number), got ${JSON.stringify(value)}`);
    return new Date(n * scale);
  };
}

/** The parser for a declared format; throws Error for an invalid pattern. */
export function timeParser(format: string): TimeParser {
  switch (format) {
    case 'iso8601':
      return (value) => {
        if (typeof value !== 'string')
          throw new Error(`expected ISO 8601 text, got ${JSON.stringify(value)}`);
        return parseTimestamp(value, 'timestamp');
      };
    case 'epoch_s':
      return epoch(1000, 'epoch seconds');
    case 'epoch_ms':
      return epoch(1, 'epoch milliseconds');
    default:
      return compilePattern(format);
  }
}

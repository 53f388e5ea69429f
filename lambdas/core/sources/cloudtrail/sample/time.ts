/** Event times: CloudTrail's formats and a clock that moves forward. */
import type { Rng } from './random.js';

export const HOUR = 3600;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const pad = (n: number): string => String(n).padStart(2, '0');

/** `2026-11-20T13:04:05Z`, CloudTrail's eventTime format. */
export function isoSeconds(t: number): string {
  return new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Java-style dates in response elements: `Nov 20, 2026, 1:04:05 PM` (IAM writes no second comma). */
export function awsDate(t: number, yearComma = true): string {
  const d = new Date(t * 1000);
  const h = d.getUTCHours();
  const clock = `${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
  const month = MONTHS[d.getUTCMonth()] ?? '';
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()}${yearComma ? ',' : ''} ${clock}`;
}

/** Event time that moves forward step by step. */
export class Clock {
  constructor(
    private readonly rng: Rng,
    public t: number,
  ) {}
  after(min: number, max: number): number {
    this.t += this.rng.int(min, max);
    return this.t;
  }
}

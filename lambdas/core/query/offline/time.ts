/** Time phrases of a question -> an event-time range, relative to the current time. */
export interface TimePhrase {
  from: string;
  to?: string;
  label: string;
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000, month: 2_592_000_000 };
type Unit = keyof typeof UNIT_MS;

const startOfDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
const iso = (ms: number) => new Date(ms).toISOString();
const NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  ten: 10,
};

/** How far back "recently" and "ever" reach: stated in the answer's assumptions. */
export const RECENT_DAYS = 7;
export const EVER_DAYS = 90;

export function parseTime(q: string, now: Date): TimePhrase | undefined {
  const t = now.getTime();
  const n =
    /\b(?:last|past|previous|in the last|within the last)\s+(\d+|one|two|three|four|five|six|seven|ten)\s+(minute|hour|day|week|month)s?\b/.exec(
      q,
    );
  if (n?.[1] && n[2]) {
    const count = NUMBERS[n[1]] ?? Number(n[1]);
    const unit = n[2] as Unit;
    return {
      from: iso(t - count * UNIT_MS[unit]),
      label: `the last ${count} ${unit}${count === 1 ? '' : 's'}`,
    };
  }
  const one = /\b(?:last|past|previous)\s+(minute|hour|day|week|month)\b/.exec(q);
  if (one?.[1] && !/\blast (time|seen)\b/.test(q)) {
    const unit = one[1] as Unit;
    return { from: iso(t - UNIT_MS[unit]), label: `the last ${unit}` };
  }
  const day = /\b(?:on|for)\s+(\d{4}-\d\d-\d\d)\b/.exec(q);
  if (day?.[1]) {
    const from = Date.parse(`${day[1]}T00:00:00Z`);
    if (!Number.isNaN(from)) return { from: iso(from), to: iso(from + UNIT_MS.day), label: day[1] };
  }
  const since = /\bsince\s+(\d{4}-\d\d-\d\d)\b/.exec(q);
  if (since?.[1] && !Number.isNaN(Date.parse(`${since[1]}T00:00:00Z`))) {
    return { from: `${since[1]}T00:00:00.000Z`, label: `since ${since[1]}` };
  }
  const midnight = startOfDay(now).getTime();
  if (/\btoday\b/.test(q)) return { from: iso(midnight), label: 'today (UTC)' };
  if (/\byesterday\b/.test(q)) {
    return { from: iso(midnight - UNIT_MS.day), to: iso(midnight), label: 'yesterday (UTC)' };
  }
  if (/\bthis week\b/.test(q)) {
    const monday = midnight - ((now.getUTCDay() + 6) % 7) * UNIT_MS.day;
    return { from: iso(monday), label: 'this week (since Monday 00:00 UTC)' };
  }
  if (/\bthis month\b/.test(q)) {
    return { from: iso(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), label: 'this month (UTC)' };
  }
  if (/\brecent(ly)?\b|\blately\b/.test(q) && !/\bmost recent/.test(q)) {
    return { from: iso(t - RECENT_DAYS * UNIT_MS.day), label: `recently: the last ${RECENT_DAYS} days` };
  }
  if (/\b(last time|ever|all time|first time|first|most recent(ly)?|latest|earliest)\b/.test(q)) {
    return { from: iso(t - EVER_DAYS * UNIT_MS.day), label: `all data of the last ${EVER_DAYS} days` };
  }
  return undefined;
}

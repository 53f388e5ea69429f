import { RecordError } from '../sources/types.js';

const DAY_MS = 86_400_000;
/** Nothing a log source delivers predates this; an earlier time is a parse or clock error. */
const EARLIEST = Date.UTC(1990, 0, 1);

/**
 * A row's event time must be a real instant, not before 1990 and at most one day ahead of the
 * ingest clock: such rows would land in partitions no detection window ever scans.
 */
export function checkEventTime(ts: unknown, ingestTs: Date): void {
  if (!(ts instanceof Date) || Number.isNaN(ts.getTime())) {
    throw new RecordError('missing or unparseable event time');
  }
  const ahead = ts.getTime() - ingestTs.getTime();
  if (ahead > DAY_MS) {
    throw new RecordError(
      `event time ${ts.toISOString()} is ${duration(ahead)} ahead of the ingest clock (${ingestTs.toISOString()}); more than 1 day in the future`,
    );
  }
  if (ts.getTime() < EARLIEST) {
    throw new RecordError(`event time ${ts.toISOString()} is before 1990-01-01`);
  }
}

/** 3d 4h 5m, to the minute. */
export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m || (!d && !h) ? `${m}m` : ''].filter(Boolean).join(' ');
}

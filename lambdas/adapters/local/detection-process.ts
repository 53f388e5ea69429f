import { hostname } from 'node:os';

/** This process as a detection lease holder, and whether a recorded holder still runs. */
export const localHolder = {
  id: { pid: process.pid, host: hostname() } as Record<string, unknown>,
  alive(holder: Record<string, unknown>): boolean {
    // A lease taken on another machine (or by an older version, without host) is trusted until it expires.
    if (holder.host !== hostname() || typeof holder.pid !== 'number') return true;
    if (holder.pid === process.pid) return false;
    try {
      process.kill(holder.pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

/**
 * Fault injection for crash tests: `MANTISSA_FAULT=<point>:<n>` kills this process with SIGKILL
 * the n-th time the detection cycle reaches `point` (rule-done, before-append, before-commit), so
 * a test can check that a cycle cut short anywhere is re-run without raising anything twice.
 */
export function faultFromEnv(spec = process.env.MANTISSA_FAULT): ((point: string) => void) | undefined {
  if (!spec) return undefined;
  const [point, nth] = spec.split(':');
  let left = Number(nth ?? '1');
  return (reached) => {
    if (reached !== point) return;
    left -= 1;
    if (left <= 0) process.kill(process.pid, 'SIGKILL');
  };
}

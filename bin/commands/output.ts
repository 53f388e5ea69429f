/** `--json` output: one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Progress and diagnostics go to stderr so stdout stays clean for the answer. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A plain-text table for people. */
export function printTable(columns: string[], rows: Record<string, unknown>[]): void {
  const text = (v: unknown) =>
    v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const widths = columns.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => text(r[c]).length))));
  const line = (cells: string[]) =>
    cells.map((cell, i) => cell.slice(0, widths[i]).padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(`${line(columns)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => text(row[c])))}\n`);
}

/** A mistake in how the command was called: printed with usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

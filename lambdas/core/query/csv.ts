import type { ResultColumn } from '../ports/query-engine.js';

/**
 * RFC 4180 CSV. Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start)
 * get a leading apostrophe: log content must not become code in the analyst's spreadsheet.
 */
export function toCsv(columns: readonly ResultColumn[], rows: readonly Record<string, unknown>[]): string {
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [columns.map((c) => cell(c.name)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c.name])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Keeps the column tables of docs/sources.md generated from the table schemas: every block
 * between `<!-- columns:TABLE -->` and `<!-- /columns -->` is rewritten from TABLES.
 * `npm run docs:sources` rewrites the file; test/unit/lake-sources-doc.test.ts fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TABLES } from '../lambdas/core/schema/registry.js';
import { type ColumnType, glueType } from '../lambdas/core/schema/types.js';

export const SOURCES_DOC = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'sources.md');

function typeText(type: ColumnType): string {
  if (type === 'json') return 'json (text)';
  return glueType(type).replaceAll('|', '\\|');
}

export function columnsTable(tableName: string): string {
  const table = TABLES.find((t) => t.name === tableName);
  if (!table) throw new Error(`docs/sources.md names table ${tableName}, which is not in TABLES`);
  const rows = table.columns.map(
    (c) => `| \`${c.name}\` | ${typeText(c.type)} | ${c.description.replaceAll('|', '\\|')} |`,
  );
  rows.push('| `dt`, `hour` | string | Partition: event-time day (YYYY-MM-DD) and hour (HH), UTC. |');
  return [
    `Table \`${table.name}\`: ${table.description}`,
    '',
    '| column | type | description |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The document with every generated block brought up to date. */
export function renderSourcesDoc(text: string): string {
  return text.replace(
    /<!-- columns:([a-z0-9_]+) -->[\s\S]*?<!-- \/columns -->/g,
    (_, table: string) => `<!-- columns:${table} -->\n${columnsTable(table)}\n<!-- /columns -->`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const before = readFileSync(SOURCES_DOC, 'utf8');
  const after = renderSourcesDoc(before);
  if (after !== before) writeFileSync(SOURCES_DOC, after);
  process.stdout.write(`${after === before ? 'up to date' : 'rewrote'} ${SOURCES_DOC}\n`);
}

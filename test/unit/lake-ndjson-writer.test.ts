import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjsonWriter } from '../../lambdas/adapters/duckdb/ndjson-writer.js';
import { decodeObject } from '../../lambdas/core/lake/decode.js';
import { checkEventTime } from '../../lambdas/core/lake/time-checks.js';
import type { ColumnType, TableSchema } from '../../lambdas/core/schema/types.js';
import { duckdbType } from '../../lambdas/core/schema/types.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';

/** What the encoder wrote before the compiled writer: stringify leaving out nulls. */
function reference(row: unknown): string {
  return JSON.stringify(row, (_k, v: unknown) => (v === null ? undefined : v)) ?? 'null';
}

/** The reference text's members the schema does not name dropped (DuckDB's typed read ignores them). */
function pruned(value: unknown, type: ColumnType): unknown {
  if (typeof type === 'object' && 'struct' in type) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [name, t] of Object.entries(type.struct)) {
      const v = (value as Record<string, unknown>)[name];
      if (v !== undefined) out[name] = pruned(v, t);
    }
    return out;
  }
  if (typeof type === 'object' && 'list' in type && Array.isArray(value)) {
    return value.map((v) => (v === null ? null : pruned(v, type.list)));
  }
  return value;
}

const typeArb: fc.Arbitrary<ColumnType> = fc.letrec<{ type: ColumnType }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<ColumnType>('string', 'json', 'bigint', 'double', 'boolean', 'timestamp'),
    fc
      .dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('type'), { minKeys: 1, maxKeys: 4 })
      .map((struct) => ({ struct })),
    tie('type').map((list) => ({ list })),
  ),
})).type;

const valueArb = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.date({ noInvalidDate: true }),
  fc.constant(undefined),
  fc.dictionary(fc.constantFrom('a', 'b', 'c', 'z'), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.date())),
);

describe('ndjsonWriter', () => {
  it('writes the reference JSON (nulls and unnamed members left out) for any value of any schema', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('x', 'y', 'z'), typeArb), { minLength: 1, maxLength: 3 }),
        fc.dictionary(fc.constantFrom('x', 'y', 'z', 'extra'), valueArb),
        (columns, row) => {
          const unique = [...new Map(columns).entries()];
          const schema: TableSchema = {
            name: 't',
            description: '',
            timeColumn: 'ts',
            columns: unique.map(([name, type]) => ({ name, type, description: '' })),
          };
          const struct: ColumnType = { struct: Object.fromEntries(unique) };
          const text = ndjsonWriter(schema)(row);
          expect(JSON.parse(text)).toEqual(pruned(JSON.parse(reference(row)), struct));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('leaves out null members and keeps schema order', () => {
    const schema: TableSchema = {
      name: 't',
      description: '',
      timeColumn: 'ts',
      columns: [
        { name: 'ts', type: 'timestamp', description: '' },
        { name: 'who', type: { struct: { arn: 'string', mfa: 'boolean' } }, description: '' },
        { name: 'tags', type: { list: 'string' }, description: '' },
        { name: 'n', type: 'bigint', description: '' },
      ],
    };
    const row = {
      n: 3,
      tags: ['a', null],
      who: { mfa: false, arn: null },
      ts: new Date('2026-11-21T08:00:00Z'),
    };
    expect(ndjsonWriter(schema)(row)).toBe(
      '{"ts":"2026-11-21T08:00:00.000Z","who":{"mfa":false},"tags":["a",null],"n":3}',
    );
  });
});

describe('ndjsonWriter on every source sample, read back by DuckDB', () => {
  let dir: string;
  let instance: DuckDBInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mantissa-ndjson-'));
    instance = await DuckDBInstance.create(':memory:');
  });
  afterAll(() => {
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(SOURCES.map((s) => [s.name, s] as const))(
    '%s: DuckDB reads the same rows as from the reference text',
    async (name, source) => {
      const ingestTs = new Date('2026-11-21T09:00:00Z');
      const rows = new Map<string, Record<string, unknown>[]>();
      for (const file of source
        .sample({ end: new Date('2026-11-21T08:00:00Z'), days: 1, seed: 7 })
        .slice(0, 4)) {
        const decoded = await decodeObject(file.body, source.unwrap, {
          textFormats: source.text ? [{ name: source.name, format: source.text }] : [],
        });
        for (const record of decoded.records) {
          try {
            for (const { table, row } of source.normalise(record.value, {
              sourceObject: file.path,
              ingestTs,
            })) {
              checkEventTime(row.ts, ingestTs);
              rows.set(table, [...(rows.get(table) ?? []), row]);
            }
          } catch {
            // Quarantined records are not the writer's business.
          }
        }
      }
      expect(rows.size).toBeGreaterThan(0);
      const conn = await instance.connect();
      try {
        for (const [table, tableRows] of rows) {
          const schema = source.tables.find((t) => t.name === table) as TableSchema;
          const write = ndjsonWriter(schema);
          const ours = join(dir, `${name}-${table}-ours.ndjson`);
          const theirs = join(dir, `${name}-${table}-reference.ndjson`);
          writeFileSync(ours, `${tableRows.map(write).join('\n')}\n`);
          writeFileSync(theirs, `${tableRows.map(reference).join('\n')}\n`);
          const columns = schema.columns
            .map((c) => `'${c.name}': '${duckdbType(c.type).replaceAll("'", "''")}'`)
            .join(', ');
          const read = (file: string) =>
            `SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {${columns}}, timestampformat = '%Y-%m-%dT%H:%M:%S.%fZ')`;
          const counts = await conn.runAndReadAll(
            `SELECT (SELECT count(*) FROM (${read(ours)}))::INT AS ours,
                  (SELECT count(*) FROM ((${read(ours)}) EXCEPT ALL (${read(theirs)})))::INT AS only_ours,
                  (SELECT count(*) FROM ((${read(theirs)}) EXCEPT ALL (${read(ours)})))::INT AS only_reference`,
          );
          expect(counts.getRowObjectsJson(), `${name}/${table}`).toEqual([
            { ours: tableRows.length, only_ours: 0, only_reference: 0 },
          ]);
        }
      } finally {
        conn.closeSync();
      }
    },
  );
});

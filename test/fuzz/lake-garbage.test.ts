import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeObject } from '../../lambdas/core/lake/decode.js';
import { ingestObject } from '../../lambdas/core/lake/ingest.js';
import { fixedClock } from '../../lambdas/core/ports/clock.js';
import type { ObjectInfo, ObjectStore } from '../../lambdas/core/ports/object-store.js';
import type { ParquetEncoder, ParquetPart } from '../../lambdas/core/ports/parquet-encoder.js';
import type { StateItem, StateStore } from '../../lambdas/core/ports/state-store.js';
import { SOURCES } from '../../lambdas/core/sources/registry.js';
import { RecordError } from '../../lambdas/core/sources/types.js';

/** In-memory twins of the ports, so thousands of runs take seconds; the lake logic is the real one. */
class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  async put(key: string, body: Uint8Array) {
    this.objects.set(key, body);
  }
  async get(key: string) {
    return this.objects.get(key);
  }
  async list(prefix: string): Promise<ObjectInfo[]> {
    return [...this.objects.keys()]
      .filter((k) => k.startsWith(prefix))
      .sort()
      .map((key) => ({ key, size: 0, lastModified: new Date(0) }));
  }
  async delete(key: string) {
    this.objects.delete(key);
  }
  locate(key: string) {
    return key;
  }
}

class MemoryState implements StateStore {
  private readonly items = new Map<string, StateItem>();
  async get<T>(pk: string, sk: string) {
    return this.items.get(`${pk}\0${sk}`) as StateItem<T> | undefined;
  }
  async put<T>(pk: string, sk: string, value: T) {
    const version = (this.items.get(`${pk}\0${sk}`)?.version ?? 0) + 1;
    this.items.set(`${pk}\0${sk}`, { pk, sk, value, version });
    return true;
  }
  async delete(pk: string, sk: string) {
    this.items.delete(`${pk}\0${sk}`);
  }
  async query<T>(pk: string) {
    return [...this.items.values()].filter((i) => i.pk === pk) as StateItem<T>[];
  }
  async close() {}
}

/** Counts rows per table; the "Parquet" is the row count, so the test can add them up. */
class CountingEncoder implements ParquetEncoder {
  async encode() {
    return new Uint8Array();
  }
  part(): ParquetPart {
    let rows = 0;
    return {
      add: (row) => {
        JSON.stringify(row);
        rows += 1;
      },
      get rows() {
        return rows;
      },
      get bytes() {
        return rows * 100;
      },
      finish: async () => Buffer.from(String(rows)),
    };
  }
}

let samples: Record<string, unknown[]> = {};
beforeAll(async () => {
  samples = {};
  for (const source of SOURCES) {
    const files = source.sample({ end: new Date('2026-11-21T08:00:00Z'), days: 1, seed: 5 }).slice(0, 3);
    const records: unknown[] = [];
    for (const file of files) {
      const decoded = await decodeObject(file.body, source.unwrap, {
        textFormats: source.text ? [{ name: source.name, format: source.text }] : [],
      });
      records.push(...decoded.records.slice(0, 5).map((r) => r.value));
    }
    samples[source.name] = records;
  }
});

/** A sample record with some of its fields replaced by garbage or removed. */
function mutated(): fc.Arbitrary<unknown> {
  return fc
    .record({
      source: fc.constantFrom(...SOURCES.map((s) => s.name)),
      pick: fc.nat(),
      edits: fc.array(fc.tuple(fc.nat(), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined })), {
        maxLength: 4,
      }),
    })
    .map(({ source, pick, edits }) => {
      const pool = samples[source] ?? [];
      const base = pool.length > 0 ? structuredClone(pool[pick % pool.length]) : {};
      if (typeof base !== 'object' || base === null) return base;
      const obj = base as Record<string, unknown>;
      for (const [at, value] of edits) {
        const keys = Object.keys(obj);
        const key = keys[at % Math.max(keys.length, 1)] ?? 'x';
        if (value === undefined) delete obj[key];
        else obj[key] = value;
      }
      return obj;
    });
}

const garbageRecord = fc.oneof(fc.jsonValue({ maxDepth: 3 }), mutated());

const garbageBody: fc.Arbitrary<Uint8Array> = fc
  .oneof(
    fc.uint8Array({ maxLength: 600 }),
    fc
      .array(garbageRecord, { maxLength: 8 })
      .map((rs) => Buffer.from(rs.map((r) => JSON.stringify(r) ?? 'undefined').join('\n'))),
    fc.array(fc.string({ maxLength: 80 }), { maxLength: 8 }).map((ls) => Buffer.from(ls.join('\n'))),
    fc.array(garbageRecord, { maxLength: 6 }).map((rs) => Buffer.from(JSON.stringify({ Records: rs }))),
  )
  .chain((body) =>
    fc.oneof(
      fc.constant(body),
      fc.constant(gzipSync(body)),
      fc.nat().map((n) => {
        const z = gzipSync(body);
        return z.subarray(0, 2 + (n % Math.max(z.length - 2, 1)));
      }),
    ),
  );

describe('garbage in: no crash, no loss', () => {
  it('every source parser either returns rows or throws a RecordError, and detect/unwrap never throw', () => {
    const ctx = { sourceObject: 'fuzz', ingestTs: new Date('2026-11-21T08:00:00Z') };
    fc.assert(
      fc.property(garbageRecord, fc.string({ maxLength: 200 }), (record, line) => {
        for (const source of SOURCES) {
          source.detect(record);
          source.unwrap(record);
          try {
            const rows = source.normalise(record, ctx);
            for (const { table, row } of rows) {
              expect(source.tables.map((t) => t.name)).toContain(table);
              expect(row.ts).toBeInstanceOf(Date);
            }
          } catch (err) {
            if (!(err instanceof RecordError)) throw err;
          }
          const parser = source.text?.open(line);
          if (parser) {
            try {
              parser.parse(line);
            } catch (err) {
              if (!(err instanceof RecordError)) throw err;
            }
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('decodeObject accounts for every non-blank line of plain input', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 40 }),
            garbageRecord.map((r) => JSON.stringify(r) ?? ''),
          ),
          { maxLength: 10 },
        ),
        async (lines) => {
          const body = Buffer.from(lines.join('\n'));
          const { records, rejects } = await decodeObject(body, () => undefined);
          const positions = new Set(
            [...records, ...rejects].map((r) => r.position.split(' ').slice(0, 2).join(' ')),
          );
          const emptyArray = (l: string) => {
            try {
              const v: unknown = JSON.parse(l);
              return Array.isArray(v) && v.length === 0;
            } catch {
              return false;
            }
          };
          const contentful = lines.filter((l) => l.trim() !== '' && !emptyArray(l)).length;
          if (records.length + rejects.length === 1 && rejects[0]?.position === 'object')
            expect(contentful).toBe(0);
          else if (contentful === 0) expect(records.length).toBe(0);
          // One document over several lines is the only case where items are not per line.
          else if (records.some((r) => !r.position.startsWith('line')))
            expect(records.length + rejects.length).toBeGreaterThan(0);
          else expect(positions.size).toBe(contentful);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ingestObject keeps records = written + quarantined + skipped, and the lake holds exactly that', async () => {
    await fc.assert(
      fc.asyncProperty(
        garbageBody,
        fc.option(fc.constantFrom(...SOURCES.map((s) => s.name)), { nil: undefined }),
        async (body, source) => {
          const store = new MemoryStore();
          const deps = {
            store,
            state: new MemoryState(),
            encoder: new CountingEncoder(),
            clock: fixedClock(new Date('2026-11-21T08:00:00Z')),
            sources: SOURCES,
            limits: { records: 3 },
          };
          const input = source
            ? { sourceObject: 'fuzz/object', body, source }
            : { sourceObject: 'fuzz/object', body };
          const report = await ingestObject(deps, input);
          expect(report.records).toBe(report.written + report.quarantined + report.skipped);
          expect(report.records).toBeGreaterThan(0);
          let rows = 0;
          for (const [key, value] of store.objects)
            if (key.startsWith('tables/')) rows += Number(Buffer.from(value).toString());
          expect(rows).toBe(Object.values(report.tables).reduce((a, b) => a + b, 0));
          const quarantine = report.quarantineKey ? store.objects.get(report.quarantineKey) : undefined;
          const lines = quarantine ? gunzipSync(quarantine).toString().trim().split('\n') : [];
          expect(lines).toHaveLength(report.quarantined);
          expect(
            store.objects.has(
              `raw/${report.source ?? source ?? 'unknown'}/dt=2026-11-21/${report.batchId}.gz`,
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import {
  buildCustomSources,
  type CustomSourceConfig,
  customSourcesFrom,
  parseSourcesFile,
} from '../../lambdas/core/sources/custom/index.js';
import { inferColumns } from '../../lambdas/core/sources/custom/infer.js';
import { timeParser } from '../../lambdas/core/sources/custom/timestamp.js';
import { RecordError } from '../../lambdas/core/sources/types.js';

const FILE = 'sources.yaml';
const builtInTables = TABLES.map((t) => t.name);
const ctx = { sourceObject: 'logs/app.ndjson', ingestTs: new Date('2026-11-21T08:00:00Z') };

const checkout = {
  name: 'checkout_api',
  description: 'Checkout service request log',
  key_patterns: ['(^|/)checkout/'],
  timestamp: { field: 'meta.time', format: '%d/%b/%Y:%H:%M:%S %z' },
  id_field: 'request_id',
  columns: [
    { name: 'request_id', type: 'string' },
    { name: 'status', type: 'bigint', path: 'http.status' },
    { name: 'client', type: { struct: { ip: 'string', user: 'string' } } },
    { name: 'tags', type: { list: 'string' } },
    { name: 'latency_ms', type: 'double', path: 'timing.total_ms' },
  ],
};

function errorOf(doc: unknown): string {
  try {
    customSourcesFrom(doc, { file: FILE, builtInTables });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the sources file to be refused');
}

describe('sources file validation: errors name the file and the field', () => {
  it.each([
    [{ sources: [{ ...checkout, colour: 'red' }] }, 'sources.yaml: sources[0].colour: unknown field'],
    [
      { sources: [{ ...checkout, name: 'Checkout-API' }] },
      'sources.yaml: sources[0].name: lower-case letters, digits and _, starting with a letter (at most 63)',
    ],
    [
      { sources: [{ ...checkout, timestamp: { field: 't', format: '%Y-%m-%d %Q' } }] },
      'sources.yaml: sources[0].timestamp.format: unsupported directive %Q (supported: %Y %m %d %e %H %M %S %f %b %z)',
    ],
    [
      { sources: [{ ...checkout, key_patterns: ['(unclosed'] }] },
      'sources.yaml: sources[0].key_patterns[0]: not a valid regular expression',
    ],
    [
      { sources: [{ ...checkout, infer: true }] },
      'sources.yaml: sources[0].infer: give columns or infer: true, not both',
    ],
    [
      { sources: [{ ...checkout, columns: undefined }] },
      'sources.yaml: sources[0].columns: give columns or infer: true',
    ],
    [
      { sources: [{ ...checkout, columns: undefined, infer: true }] },
      'sources.yaml: sources[0].sample: infer: true needs a sample file to infer from',
    ],
    [
      { sources: [{ ...checkout, name: 'cloudtrail' }] },
      'sources.yaml: sources[0].name: "cloudtrail" is a built-in table',
    ],
    [{ sources: [checkout, checkout] }, 'sources.yaml: sources[1].name: "checkout_api" is declared twice'],
    [
      { sources: [{ ...checkout, columns: [{ name: 'ts', type: 'timestamp' }] }] },
      'sources.yaml: sources[0].columns[0].name: ts is a column every table has; choose another name',
    ],
    [
      { sources: [{ ...checkout, columns: [{ name: 'x', type: { map: 'string' } }] }] },
      'sources.yaml: sources[0].columns[0].type: Invalid input',
    ],
    [{ source: [] }, 'sources.yaml: sources: Invalid input: expected array, received undefined'],
  ])('%j', (doc, message) => {
    expect(errorOf(doc)).toBe(message);
  });

  it('an empty file declares nothing', () => {
    expect(parseSourcesFile(FILE, null)).toEqual([]);
    expect(customSourcesFrom({ sources: [] }, { file: FILE, builtInTables })).toEqual({
      sources: [],
      tables: [],
      declarations: [],
    });
  });
});

describe('timestamp formats', () => {
  it('parses iso8601, epoch seconds and milliseconds, and strftime-like patterns with zones and month names', () => {
    expect(timeParser('iso8601')('2026-11-20T10:15:00.250+02:00').toISOString()).toBe(
      '2026-11-20T08:15:00.250Z',
    );
    expect(timeParser('epoch_s')(1763633700).toISOString()).toBe('2025-11-20T10:15:00.000Z');
    expect(timeParser('epoch_s')('1763633700.5').toISOString()).toBe('2025-11-20T10:15:00.500Z');
    expect(timeParser('epoch_ms')(1763633700123).toISOString()).toBe('2025-11-20T10:15:00.123Z');
    expect(timeParser('%d/%b/%Y:%H:%M:%S %z')('20/Nov/2026:10:15:00 -0500').toISOString()).toBe(
      '2026-11-20T15:15:00.000Z',
    );
    expect(timeParser('%Y-%m-%d %H:%M:%S.%f')('2026-11-20 10:15:00.123456').toISOString()).toBe(
      '2026-11-20T10:15:00.123Z',
    );
    expect(timeParser('%b %e %H:%M:%S %Y')('Nov  3 07:00:01 2026').toISOString()).toBe(
      '2026-11-03T07:00:01.000Z',
    );
  });

  it('refuses what does not fit, naming the value', () => {
    expect(() => timeParser('%Y-%m-%d')('2026-02-31')).toThrow('"2026-02-31" is not a valid time');
    expect(() => timeParser('%Y-%m-%d')('20/11/2026')).toThrow(
      '"20/11/2026" does not match the pattern "%Y-%m-%d"',
    );
    expect(() => timeParser('epoch_ms')('soon')).toThrow(
      'expected epoch milliseconds (a number), got "soon"',
    );
    expect(() => timeParser('%H:%M')).toThrow('a pattern needs at least %Y, %m (or %b) and %d');
  });
});

describe('a declared custom source', () => {
  const [source] = customSourcesFrom({ sources: [checkout] }, { file: FILE, builtInTables }).sources;
  if (!source) throw new Error('no source built');
  const record = {
    request_id: 'req-7',
    meta: { time: '20/Nov/2026:10:15:00 +0000', host: 'web-3' },
    http: { status: 502, method: 'POST' },
    client: { IP: '203.0.113.9', user: 'ana' },
    tags: ['retry', 'card'],
    timing: { total_ms: 812.5 },
    region: 'eu-west-1',
  };

  it('has a table of its columns plus extra and the common columns', () => {
    expect(source.tables.map((t) => [t.name, t.columns.map((c) => c.name)])).toEqual([
      [
        'checkout_api',
        [
          'request_id',
          'status',
          'client',
          'tags',
          'latency_ms',
          'extra',
          'ts',
          'event_id',
          'ingest_ts',
          'source_object',
        ],
      ],
    ]);
    expect(source.keyPatterns.map((p) => p.test('s3://logs/checkout/2026/11/20.ndjson'))).toEqual([true]);
  });

  it('normalises a record: paths, struct keys in any case, the id field, unread top-level fields in extra', () => {
    expect(source.normalise(record, ctx)).toEqual([
      {
        table: 'checkout_api',
        row: {
          request_id: 'req-7',
          status: 502,
          client: { ip: '203.0.113.9', user: 'ana' },
          tags: ['retry', 'card'],
          latency_ms: 812.5,
          extra: JSON.stringify({ meta: record.meta, http: { method: 'POST' }, region: 'eu-west-1' }),
          ts: new Date('2026-11-20T10:15:00Z'),
          event_id: 'req-7',
          ingest_ts: ctx.ingestTs,
          source_object: ctx.sourceObject,
        },
      },
    ]);
  });

  it('quarantines with the reason: no time, a time that does not fit, no id, a value of the wrong type', () => {
    const reason = (r: unknown) => {
      try {
        source.normalise(r, ctx);
      } catch (err) {
        if (err instanceof RecordError) return err.message;
        throw err;
      }
      return 'kept';
    };
    expect(reason({ ...record, meta: {} })).toBe('missing timestamp field meta.time');
    expect(reason({ ...record, meta: { time: '2026-11-20' } })).toBe(
      'meta.time: "2026-11-20" does not match the pattern "%d/%b/%Y:%H:%M:%S %z"',
    );
    expect(reason({ ...record, request_id: '' })).toBe('missing id field request_id');
    expect(reason({ ...record, http: { status: 'bad gateway' } })).toBe(
      'http.status: expected an integer, got "bad gateway"',
    );
    expect(reason('text')).toBe('record is not a JSON object');
  });

  it('without an id field, event_id is a hash of the record that ignores key order', () => {
    const config = { ...checkout, id_field: undefined } as unknown as CustomSourceConfig;
    const [hashed] = buildCustomSources([config], { file: FILE, builtInTables }).sources;
    const a = hashed?.normalise(record, ctx)[0]?.row.event_id;
    const reordered = Object.fromEntries(Object.entries(record).reverse());
    expect(a).toMatch(/^checkout_api-[0-9a-f]{32}$/);
    expect(hashed?.normalise(reordered, ctx)[0]?.row.event_id).toBe(a);
    expect(hashed?.normalise({ ...record, region: 'us-east-1' }, ctx)[0]?.row.event_id).not.toBe(a);
  });
});

describe('schema inference', () => {
  it('types each top-level field by the narrowest type that holds every sample value', () => {
    const sample = [
      {
        'user.id': 7,
        ok: true,
        ms: 12,
        at: '2026-11-20T10:00:00Z',
        msg: 'hi',
        ctx: { a: 1 },
        tags: ['x'],
        ts: 'dup',
      },
      {
        'user.id': 8,
        ok: false,
        ms: 12.5,
        at: '2026-11-20T10:00:01Z',
        msg: 3,
        ctx: null,
        tags: [],
        '9lives': 'y',
      },
    ];
    expect(
      inferColumns(sample, new Set(['ts', 'event_id', 'extra'])).map((c) => [c.name, c.type, c.path]),
    ).toEqual([
      ['user_id', 'bigint', 'user.id'],
      ['ok', 'boolean', 'ok'],
      ['ms', 'double', 'ms'],
      ['at', 'timestamp', 'at'],
      ['msg', 'string', 'msg'],
      ['ctx', 'json', 'ctx'],
      ['tags', 'json', 'tags'],
      ['src_ts', 'string', 'ts'],
      ['f_9lives', 'string', '9lives'],
    ]);
  });

  it('an infer source builds its table from the sample the adapter reads, and refuses an empty one', () => {
    const config = {
      name: 'jobs',
      key_patterns: ['jobs/'],
      timestamp: { field: 'at' },
      infer: true,
      sample: 'jobs.ndjson',
    };
    const built = customSourcesFrom(
      { sources: [config] },
      { file: FILE, builtInTables, sample: () => [{ at: '2026-11-20T10:00:00Z', job: 'etl' }] },
    );
    expect(built.tables[0]?.columns.slice(0, 3).map((c) => [c.name, c.type])).toEqual([
      ['at', 'timestamp'],
      ['job', 'string'],
      ['extra', 'json'],
    ]);
    expect(() =>
      customSourcesFrom(
        { sources: [config] },
        { file: FILE, builtInTables, sample: () => ['not an object'] },
      ),
    ).toThrow('sources.yaml: sources[0].sample: jobs.ndjson: no JSON object records to infer columns from');
  });

  it('declarations write inferred columns out: built again without the sample, they give the same tables', () => {
    const config = {
      name: 'jobs',
      key_patterns: ['jobs/'],
      timestamp: { field: 'at' },
      infer: true,
      sample: 'jobs.ndjson',
    };
    const built = customSourcesFrom(
      { sources: [config, checkout] },
      { file: FILE, builtInTables, sample: () => [{ at: '2026-11-20T10:00:00Z', 'Job Name': 'etl' }] },
    );
    expect(built.declarations[0]).toEqual({
      name: 'jobs',
      description: '',
      key_patterns: ['jobs/'],
      timestamp: { field: 'at', format: 'iso8601' },
      columns: [
        { name: 'at', type: 'timestamp', description: 'Inferred from the sample\'s "at".' },
        {
          name: 'job_name',
          type: 'string',
          path: 'Job Name',
          description: 'Inferred from the sample\'s "Job Name".',
        },
      ],
    });
    expect(built.declarations[1]).toEqual(checkout);
    // What the CDK app hands the functions (as JSON) is a sources document the same parser accepts.
    const again = customSourcesFrom(JSON.parse(JSON.stringify({ sources: built.declarations })), {
      file: 'MANTISSA_CUSTOM_SOURCES',
      builtInTables,
    });
    expect(again.tables).toEqual(built.tables);
    expect(again.declarations).toEqual(built.declarations);
  });
});

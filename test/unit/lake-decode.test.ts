import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type DecodeItem,
  decodeObject,
  decodeStream,
  firstInvalidUtf8,
  splitConcatenated,
} from '../../lambdas/core/lake/decode.js';
import { vpcflow } from '../../lambdas/core/sources/vpcflow/index.js';

const records = (doc: unknown) =>
  typeof doc === 'object' && doc !== null && 'Records' in doc
    ? (doc as { Records: unknown[] }).Records
    : undefined;

async function* pieces(body: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

async function collect(body: Uint8Array, size: number): Promise<Omit<DecodeItem, 'bytes'>[]> {
  const out: Omit<DecodeItem, 'bytes'>[] = [];
  for await (const batch of decodeStream(pieces(body, size), { unwrap: records })) {
    for (const item of batch) {
      const { bytes: _bytes, ...rest } = item as DecodeItem & { bytes?: number };
      out.push(rest);
    }
  }
  return out;
}

describe('decodeObject / decodeStream', () => {
  it('reads NDJSON, envelopes and arrays per line, with positions, skipping blank lines and CRLF', async () => {
    const body = Buffer.from('{"a":1}\r\n\n{"Records":[{"b":1},{"b":2}]}\n[{"c":1}]\n');
    const { records: got, rejects } = await decodeObject(body, records);
    expect(rejects).toEqual([]);
    expect(got.map((r) => [r.position, r.value])).toEqual([
      ['line 1', { a: 1 }],
      ['line 3 record 0', { b: 1 }],
      ['line 3 record 1', { b: 2 }],
      ['line 4 element 0', { c: 1 }],
    ]);
  });

  it('reads one document spread over many lines, and falls back to lines when it does not parse', async () => {
    const pretty = Buffer.from(JSON.stringify({ Records: [{ x: 1 }, { x: 2 }] }, null, 2));
    expect((await decodeObject(pretty, records)).records.map((r) => [r.position, r.value])).toEqual([
      ['record 0', { x: 1 }],
      ['record 1', { x: 2 }],
    ]);
    const broken = await decodeObject(Buffer.from('{"eventName": broken\n{"ok":true}\n'), records);
    expect(broken.records.map((r) => [r.position, r.value])).toEqual([['line 2', { ok: true }]]);
    expect(broken.rejects.map((r) => [r.position, r.reason.slice(0, 14), r.raw])).toEqual([
      ['line 1', 'invalid JSON: ', '{"eventName": broken'],
    ]);
  });

  it('splits concatenated JSON as Firehose writes it', async () => {
    const { records: got } = await decodeObject(Buffer.from('{"a":"}{"}{"b":[1,{"c":2}]} {"d":3}'), records);
    expect(got.map((r) => [r.position, r.value])).toEqual([
      ['line 1 #1', { a: '}{' }],
      ['line 1 #2', { b: [1, { c: 2 }] }],
      ['line 1 #3', { d: 3 }],
    ]);
    expect(splitConcatenated('{"a":1} x {"b":2}')).toBeUndefined();
    expect(splitConcatenated('{"a":1}')).toBeUndefined();
  });

  it('gives the same items however the bytes are chunked, gzip or not', async () => {
    const text = `${Array.from({ length: 50 }, (_, i) => JSON.stringify({ i, pad: 'é'.repeat(i) })).join('\n')}\nnot json\n`;
    const plain = await collect(Buffer.from(text), 1 << 20);
    expect(plain).toHaveLength(51);
    expect(plain[50]).toMatchObject({ kind: 'reject', position: 'line 51' });
    for (const size of [1, 7, 333]) {
      expect(await collect(Buffer.from(text), size)).toEqual(plain);
      expect(await collect(gzipSync(text), size)).toEqual(plain);
    }
  });

  it('keeps what decompressed before a truncated gzip and quarantines the rest as one item with the offset', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i, filler: `${i}`.repeat(40) }));
    const full = gzipSync(lines.join('\n'), { level: 1 });
    const cutAt = Math.floor(full.length / 2);
    const { records: got, rejects } = await decodeObject(full.subarray(0, cutAt), records);
    expect(got.length).toBeGreaterThan(100);
    expect(got.length).toBeLessThan(2000);
    // What was kept is exactly the start of the file, in order.
    expect(got.map((r) => (r.value as { i: number }).i)).toEqual(
      Array.from({ length: got.length }, (_, i) => i),
    );
    expect(rejects).toHaveLength(1);
    expect(rejects[0]?.position).toBe(
      `line ${got.length + 1} (decompressed byte offset ${lines.slice(0, got.length).join('\n').length + 1}) to the end`,
    );
    expect(rejects[0]?.reason).toMatch(
      new RegExp(`^corrupt gzip at compressed byte offset \\d+ of ${cutAt} read: unexpected end of file`),
    );
    expect(lines[got.length]?.startsWith(rejects[0]?.raw ?? 'x')).toBe(true);
  });

  it('rejects a corrupt gzip header as one item and an empty or blank object as empty', async () => {
    const garbage = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(20, 0xff)]);
    const corrupt = await decodeObject(garbage, records);
    expect(corrupt.records).toEqual([]);
    expect(corrupt.rejects).toHaveLength(1);
    expect(corrupt.rejects[0]?.reason).toMatch(/^corrupt gzip at compressed byte offset \d+ of 24 read: /);
    for (const body of [new Uint8Array(), Buffer.from('\n \n'), gzipSync('')]) {
      expect(await decodeObject(body, records)).toEqual({
        records: [],
        rejects: [{ position: 'object', reason: 'empty object', raw: '' }],
      });
    }
  });

  it('rejects a line that is not UTF-8, naming the byte offset, and records over the size limit', async () => {
    const body = Buffer.concat([
      Buffer.from('{"a":1}\n{"b":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}\n{"c":3}\n'),
    ]);
    const { records: got, rejects } = await decodeObject(body, records);
    expect(got.map((r) => r.value)).toEqual([{ a: 1 }, { c: 3 }]);
    expect(rejects.map((r) => [r.position, r.reason])).toEqual([
      ['line 2', 'not UTF-8: byte 0xc3 at byte offset 14 of the (decompressed) object'],
    ]);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1);
    const big = JSON.stringify({ blob: 'x'.repeat(2000) });
    const inEnvelope = JSON.stringify({ Records: [{ small: 1 }, JSON.parse(big)] });
    const limited = await decodeObject(Buffer.from(`${big}\n${inEnvelope}\n`), records, {
      maxRecordBytes: 1000,
    });
    expect(limited.records.map((r) => [r.position, r.value])).toEqual([['line 2 record 0', { small: 1 }]]);
    expect(limited.rejects.map((r) => [r.position, r.reason])).toEqual([
      ['line 1', `record of ${big.length} bytes is over the 1000-byte limit`],
      ['line 2 record 1', `record of ${big.length} bytes is over the 1000-byte limit`],
    ]);
  });

  it('rejects a line longer than the line limit without holding it, and goes on', async () => {
    const body = Buffer.from(`{"a":1}\n${'y'.repeat(5000)}\n{"b":2}\n`);
    const { records: got, rejects } = await decodeObject(body, records, { maxLineBytes: 1000 });
    expect(got.map((r) => r.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]?.reason).toMatch(
      /^line longer than 1000 bytes without a line break \(at decompressed byte offset 8\)/,
    );
  });

  it('opens a text format whose first line names the fields, and reports which', async () => {
    const seen: string[] = [];
    const text =
      'version srcaddr dstaddr dstport start end action log-status\n2 10.0.0.1 10.0.0.2 22 1700000000 1700000060 ACCEPT OK\n2 bad\n';
    const { records: got, rejects } = await decodeObject(Buffer.from(text), () => undefined, {
      textFormats: vpcflow.text ? [{ name: 'vpcflow', format: vpcflow.text }] : [],
      onTextFormat: (name) => seen.push(name),
    });
    expect(seen).toEqual(['vpcflow']);
    expect(got).toEqual([
      {
        position: 'line 2',
        bytes: 54,
        value: {
          version: '2',
          srcaddr: '10.0.0.1',
          dstaddr: '10.0.0.2',
          dstport: '22',
          start: '1700000000',
          end: '1700000060',
          action: 'ACCEPT',
          'log-status': 'OK',
        },
      },
    ]);
    expect(rejects.map((r) => [r.position, r.reason])).toEqual([
      ['line 3', 'expected 8 space-separated fields (version srcaddr dstaddr dstport …), got 2'],
    ]);
  });

  it('fails (does not quarantine) when the source itself cannot be read, gzip or not, and closes it on a broken gzip', async () => {
    for (const first of [gzipSync('{"a":1}\n'.repeat(1000)).subarray(0, 40), Buffer.from('{"a":1}\n')]) {
      async function* failing(): AsyncIterable<Uint8Array> {
        yield first;
        throw new Error('connection reset');
      }
      const run = async () => {
        for await (const _ of decodeStream(failing(), { unwrap: records })) {
          // drain
        }
      };
      await expect(run()).rejects.toThrow('connection reset');
    }
    let closed = false;
    async function* truncated(): AsyncIterable<Uint8Array> {
      try {
        // An unknown compression method: gunzip fails at once, with the source still open.
        yield Buffer.from([0x1f, 0x8b, 0x09, 0x00, 0, 0, 0, 0, 0, 0x03]);
        for (;;) yield Buffer.alloc(1024, 0xff);
      } finally {
        closed = true;
      }
    }
    const items: DecodeItem[] = [];
    for await (const batch of decodeStream(truncated(), { unwrap: records })) items.push(...batch);
    expect(closed).toBe(true);
    expect(items.at(-1)).toMatchObject({
      kind: 'reject',
      reason: expect.stringMatching(/^corrupt gzip at compressed byte offset/),
    });
  });
});

import { createGunzip } from 'node:zlib';
import type { TextFormat } from '../sources/types.js';
import { LineDecoder } from './line-decoder.js';

/** A record as read from an object, with where it was found. */
export interface DecodedRecord {
  position: string;
  value: unknown;
  /** Input bytes the record took (a share of its line when a line held several): for chunk sizing. */
  bytes: number;
}

/** Something in an object that is not a usable record, kept with the reason. */
export interface Reject {
  position: string;
  reason: string;
  /** The offending text (or base64 bytes), cut to a size quarantine can hold. */
  raw: string;
}

export type DecodeItem = ({ kind: 'record' } & DecodedRecord) | ({ kind: 'reject' } & Reject);

export interface Decoded {
  records: DecodedRecord[];
  rejects: Reject[];
}

export interface DecodeOptions {
  /** Opens a provider's envelope into records; undefined when the document is a record itself. */
  unwrap(doc: unknown): unknown[] | undefined;
  /** Text formats to try when the object's first line is not JSON, in order. */
  textFormats?: readonly { name: string; format: TextFormat }[];
  /** Told which text format opened the object, before any of its records are yielded. */
  onTextFormat?(name: string): void;
  /** Larger records are rejected. Default 1 MiB. */
  maxRecordBytes?: number;
  /** A line longer than this (no line break) is rejected whole. Default 256 MiB. */
  maxLineBytes?: number;
}

export { cut, firstInvalidUtf8, MAX_RECORD_BYTES, splitConcatenated } from './json-text.js';

/** Reads a whole object at once: the streaming decoder over one chunk, collected. */
export async function decodeObject(
  body: Uint8Array,
  unwrap: (doc: unknown) => unknown[] | undefined,
  opts: Omit<DecodeOptions, 'unwrap'> = {},
): Promise<Decoded> {
  const out: Decoded = { records: [], rejects: [] };
  for await (const items of decodeStream(oneChunk(body), { ...opts, unwrap })) {
    for (const item of items) {
      if (item.kind === 'record')
        out.records.push({ position: item.position, value: item.value, bytes: item.bytes });
      else out.rejects.push({ position: item.position, reason: item.reason, raw: item.raw });
    }
  }
  return out;
}

async function* oneChunk(body: Uint8Array): AsyncIterable<Uint8Array> {
  yield body;
}

/**
 * Reads an object's bytes as a provider delivers them, incrementally: gzip or not; NDJSON (one
 * record, envelope or array per line, or concatenated JSON as Firehose writes it), one JSON
 * document over many lines, or a text format whose first line names the fields. Yields items in
 * order, a batch per input chunk, so memory stays bounded by the chunk and the longest line.
 * Nothing is dropped: what cannot be read becomes a reject with its position and reason; a gzip
 * stream that breaks keeps what decompressed before the break and rejects the rest as one item.
 */
export async function* decodeStream(
  chunks: AsyncIterable<Uint8Array>,
  opts: DecodeOptions,
): AsyncGenerator<DecodeItem[]> {
  const lines = new LineDecoder(opts);
  const iterator = chunks[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  // Two bytes decide gzip or not; chunks may be smaller than that.
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      try {
        if (head.length > 0) yield head;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        // Stopping early (a broken gzip) must still close the source, e.g. a file stream.
        await iterator.return?.();
      }
    },
  };
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    for await (const chunk of rest)
      yield lines.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    yield lines.end();
    return;
  }

  const gunzip = createGunzip();
  let fed = 0;
  let readError: { error: unknown } | undefined;
  const pump = (async () => {
    for await (const chunk of rest) {
      if (gunzip.destroyed) break;
      fed += chunk.length;
      if (!gunzip.write(chunk)) {
        await new Promise<void>((done) => {
          gunzip.once('drain', done);
          gunzip.once('close', done);
        });
      }
    }
    if (!gunzip.destroyed) gunzip.end();
  })().catch((error: unknown) => {
    // The source failed (not the gzip): that is an I/O error for the caller, not bad input.
    readError = { error };
    gunzip.destroy(error as Error);
  });
  try {
    for await (const out of gunzip) yield lines.push(out as Buffer);
  } catch (err) {
    await pump;
    if (readError) throw readError.error;
    const at = gunzip.bytesWritten;
    yield lines.broken(
      `corrupt gzip at compressed byte offset ${at} of ${fed} read: ${(err as Error).message}; ` +
        'the rest of the object is quarantined as this one item (the raw copy keeps its bytes)',
    );
    return;
  }
  await pump;
  if (readError) throw readError.error;
  yield lines.end();
}

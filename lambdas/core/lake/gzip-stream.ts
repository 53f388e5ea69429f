import { createGzip } from 'node:zlib';

export async function* oneChunk(body: Uint8Array): AsyncIterable<Uint8Array> {
  yield body;
}

export async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** The bytes gzip-compressed, or passed through when they already are gzip: for the raw copy. */
export async function* gzipStream(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  const rest = async function* (): AsyncIterable<Uint8Array> {
    if (head.length > 0) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  if (head[0] === 0x1f && head[1] === 0x8b) {
    yield* rest();
    return;
  }
  const gzip = createGzip({ level: 6 });
  const pump = (async () => {
    for await (const chunk of rest()) {
      if (!gzip.write(chunk)) await new Promise<void>((done) => gzip.once('drain', done));
    }
    gzip.end();
  })();
  pump.catch((err: unknown) => gzip.destroy(err as Error));
  for await (const out of gzip) yield out as Uint8Array;
  await pump;
}

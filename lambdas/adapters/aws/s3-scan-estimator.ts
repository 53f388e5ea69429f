import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsCommand,
  type ListObjectsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { parquetMetadata } from 'hyparquet';
import type { ScanEstimate, ScanEstimator, ScanRequest } from '../../core/query/estimate.js';

export interface S3ScanEstimatorOptions {
  client: S3Client;
  /** The lake bucket; tables live under `tables/<table>/dt=YYYY-MM-DD/hour=HH/`. */
  bucket: string;
  /** Footers read at once (two small GETs each). @default 32 */
  concurrency?: number;
  /** Keys per ListObjects page (1-1000). @default 1000 */
  pageSize?: number;
}

/** A partition file whose end is not a Parquet footer (or not one this reader can use). */
export class ParquetFooterError extends Error {
  override readonly name = 'ParquetFooterError';
}

/** The object was rewritten while its footer was being read (re-ingest keeps file names). */
class ObjectChanged extends Error {
  constructor(readonly size?: number) {
    super('object changed while its footer was read');
  }
}

/** Deleted since it was listed (a re-ingest removes the parts it no longer writes): nothing to scan. */
class ObjectGone extends Error {}

interface Listed {
  key: string;
  size: number;
}

const DAY_MS = 86_400_000;
/** Ranges of up to this many days list each day by name; longer ones discover the days first. */
const NAMED_DAYS = 31;
const TAIL = 8; // footer length (u32, little-endian) + "PAR1"
const SMALLEST = 12; // "PAR1" + an empty footer's tail

/**
 * The DuckDB estimator's contract (lambdas/adapters/duckdb/scan-estimator.ts) on S3, for the API
 * function: the Parquet files under `tables/<table>/dt=*\/hour=*\/` whose hour lies in the range
 * (compared per hour, as partition pruning does), and the compressed size of the column chunks of
 * the columns read (all when `columns` is undefined; a nested leaf counts for its top-level
 * column). Only footers are read: a Range GET of the last 8 bytes (footer length and magic), then
 * one of the footer itself; hyparquet decodes its Thrift. Only the days the range touches are
 * listed, so a question about the last hour never lists years of keys.
 */
export class S3ScanEstimator implements ScanEstimator {
  private readonly concurrency: number;
  private readonly pageSize: number;

  constructor(private readonly opts: S3ScanEstimatorOptions) {
    this.concurrency = opts.concurrency ?? 32;
    this.pageSize = opts.pageSize ?? 1000;
  }

  async estimate(req: ScanRequest): Promise<ScanEstimate> {
    if (!/^[a-z_][a-z0-9_]*$/.test(req.table)) throw new Error(`bad table name ${req.table}`);
    const fromHour = req.from.toISOString().slice(0, 13);
    const toHour = req.to.toISOString().slice(0, 13);
    const root = `tables/${req.table}/`;
    const days = await this.days(root, fromHour.slice(0, 10), toHour.slice(0, 10));
    const listings = await mapLimit(days, this.concurrency, (day) => this.list(`${root}dt=${day}/`));
    const files = listings.flatMap(({ objects }) =>
      objects.filter(({ key }) => {
        // Exactly dt=/hour=/<name>.parquet, as DuckDB's glob `*/*/*.parquet` and the engines see them.
        const m = /^tables\/[a-z0-9_]+\/dt=(\d{4}-\d\d-\d\d)\/hour=(\d\d)\/[^/]*\.parquet$/.exec(key);
        if (!m) return false;
        const hour = `${m[1]}T${m[2]}`;
        return hour >= fromHour && hour <= toHour;
      }),
    );
    const wanted = req.columns ? new Set(req.columns.map((c) => c.toLowerCase())) : undefined;
    const sizes = await mapLimit(files, this.concurrency, (file) => this.columnBytes(file, wanted));
    return { bytes: sizes.reduce((a, b) => a + b, 0), files: files.length };
  }

  /**
   * The `dt=` days of a table in [from, to]: named outright for a short range (a question's usual
   * hours or days, one listing each, no discovery round trip), listed with a delimiter (one key per
   * day, a thousand days a page) for a long one.
   */
  private async days(root: string, from: string, to: string): Promise<string[]> {
    const first = Date.parse(`${from}T00:00:00Z`);
    const span = Math.round((Date.parse(`${to}T00:00:00Z`) - first) / DAY_MS) + 1;
    if (span <= 0) return [];
    if (span <= NAMED_DAYS)
      return Array.from({ length: span }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10));
    return (await this.list(root, '/')).prefixes
      .map((prefix) => /^dt=(\d{4}-\d\d-\d\d)\/$/.exec(prefix.slice(root.length))?.[1])
      .filter((day): day is string => day !== undefined && day >= from && day <= to);
  }

  /** Compressed bytes of one file's wanted column chunks, across its row groups. */
  private async columnBytes(file: Listed, wanted: Set<string> | undefined): Promise<number> {
    const where = `s3://${this.opts.bucket}/${file.key}`;
    let footer: Uint8Array;
    try {
      footer = await this.footer(file);
    } catch (err) {
      if (err instanceof ObjectGone) return 0;
      throw err;
    }
    let meta: ReturnType<typeof parquetMetadata>;
    try {
      meta = parquetMetadata(footer, { geoparquet: false });
    } catch (err) {
      throw new ParquetFooterError(`Parquet footer of ${where} is corrupt: ${(err as Error).message}`);
    }
    let bytes = 0;
    for (const group of meta.row_groups) {
      for (const chunk of group.columns) {
        const column = chunk.meta_data;
        // Absent only in files with encrypted column metadata, which the lake never writes.
        if (!column)
          throw new ParquetFooterError(`Parquet footer of ${where} has a column chunk without metadata`);
        const top = column.path_in_schema[0]?.toLowerCase() ?? '';
        if (!wanted || wanted.has(top)) bytes += Number(column.total_compressed_size);
      }
    }
    return bytes;
  }

  /** The footer followed by its 8-byte tail, as hyparquet reads it; a rewritten file is read again. */
  private async footer(file: Listed): Promise<Uint8Array> {
    let size = file.size;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.readFooter(file.key, size);
      } catch (err) {
        if (!(err instanceof ObjectChanged) || attempt === 3) throw err;
        size = err.size ?? size;
      }
    }
  }

  private async readFooter(key: string, size: number): Promise<Uint8Array> {
    const where = `s3://${this.opts.bucket}/${key}`;
    if (size < SMALLEST)
      throw new ParquetFooterError(`${where} is not a Parquet file: ${size} bytes, fewer than the 12 of any`);
    const tail = await this.range(key, size - TAIL, size);
    if (tail.total !== undefined && tail.total !== size) throw new ObjectChanged(tail.total);
    if (new TextDecoder().decode(tail.bytes.subarray(4)) !== 'PAR1')
      throw new ParquetFooterError(`${where} is not a Parquet file: it does not end in PAR1`);
    const length = new DataView(tail.bytes.buffer, tail.bytes.byteOffset, TAIL).getUint32(0, true);
    if (length === 0 || length > size - SMALLEST)
      throw new ParquetFooterError(
        `${where} is not a Parquet file: its footer length ${length} does not fit in its ${size} bytes`,
      );
    const body = await this.range(key, size - TAIL - length, size - TAIL, tail.etag);
    const footer = new Uint8Array(length + TAIL);
    footer.set(body.bytes);
    footer.set(tail.bytes, length);
    return footer;
  }

  /** Bytes [start, end) of an object; with `etag`, only of that version of it. */
  private async range(
    key: string,
    start: number,
    end: number,
    etag?: string,
  ): Promise<{ bytes: Uint8Array; total: number | undefined; etag: string | undefined }> {
    const range = `bytes=${start}-${end - 1}`;
    let out: GetObjectCommandOutput;
    try {
      out = await this.opts.client.send(
        new GetObjectCommand({
          Bucket: this.opts.bucket,
          Key: key,
          Range: range,
          ...(etag ? { IfMatch: etag } : {}),
        }),
      );
    } catch (err) {
      const e = err as Error;
      if (e.name === 'PreconditionFailed') throw new ObjectChanged();
      if (e.name === 'NoSuchKey') throw new ObjectGone();
      throw new Error(`S3 get s3://${this.opts.bucket}/${key} (${range}) failed: ${e.name}: ${e.message}`, {
        cause: err,
      });
    }
    const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    if (bytes.length !== end - start)
      throw new ParquetFooterError(
        `S3 returned ${bytes.length} bytes of s3://${this.opts.bucket}/${key} for ${range}`,
      );
    const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1];
    return { bytes, total: total === undefined ? undefined : Number(total), etag: out.ETag };
  }

  /**
   * Keys (and, with a delimiter, the "folders") under a prefix. ListObjects with Marker, as the
   * S3 object store does: the same walk on S3, and it runs on s3rver too.
   */
  private async list(prefix: string, delimiter?: string): Promise<{ objects: Listed[]; prefixes: string[] }> {
    const objects: Listed[] = [];
    const prefixes: string[] = [];
    let marker: string | undefined;
    for (;;) {
      let page: ListObjectsCommandOutput;
      try {
        page = await this.opts.client.send(
          new ListObjectsCommand({
            Bucket: this.opts.bucket,
            Prefix: prefix,
            MaxKeys: this.pageSize,
            ...(delimiter ? { Delimiter: delimiter } : {}),
            ...(marker ? { Marker: marker } : {}),
          }),
        );
      } catch (err) {
        const e = err as Error;
        throw new Error(`S3 list s3://${this.opts.bucket}/${prefix} failed: ${e.name}: ${e.message}`, {
          cause: err,
        });
      }
      const keys = (page.Contents ?? []).filter((o) => o.Key !== undefined);
      const folders = (page.CommonPrefixes ?? []).flatMap((p) => (p.Prefix ? [p.Prefix] : []));
      for (const o of keys) objects.push({ key: o.Key as string, size: o.Size ?? 0 });
      prefixes.push(...folders);
      if (!page.IsTruncated) break;
      // S3 names the next marker when a delimiter is given; otherwise it is the page's last entry.
      const next = page.NextMarker ?? [keys.at(-1)?.Key ?? '', folders.at(-1) ?? ''].sort().at(-1);
      if (!next || next === marker) break;
      marker = next;
    }
    return { objects, prefixes };
  }
}

/** `fn` over `items`, at most `limit` at a time, results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

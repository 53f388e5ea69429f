import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectInfo, ObjectStore } from '../../core/ports/object-store.js';

export interface S3ObjectStoreOptions {
  client: S3Client;
  bucket: string;
  /** Keys per ListObjectsV2 page (1-1000). @default 1000 */
  pageSize?: number;
}

/** The lake's object store as one S3 bucket. S3 PUTs are atomic, so no temporary key is needed. */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  readonly bucket: string;
  private readonly pageSize: number;

  constructor(opts: S3ObjectStoreOptions) {
    this.client = opts.client;
    this.bucket = opts.bucket;
    this.pageSize = opts.pageSize ?? 1000;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize > 1000) {
      throw new Error(`S3ObjectStore pageSize must be an integer in 1..1000, got ${this.pageSize}`);
    }
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    checkKey(key);
    await this.call('put', key, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body })),
    );
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) return new Uint8Array();
      return await out.Body.transformToByteArray();
    } catch (err) {
      if (err instanceof NoSuchKey || (err as Error).name === 'NoSuchKey') return undefined;
      throw this.wrap('get', key, err);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    // ListObjects with Marker (list after this key) rather than ListObjectsV2's continuation token:
    // on S3 the walk is the same (no delimiter, keys in order), and it also runs on s3rver, whose V2
    // tokens need a DES cipher that OpenSSL 3 (Node 18+) no longer ships.
    let marker: string | undefined;
    for (;;) {
      const page = await this.call('list', prefix, () =>
        this.client.send(
          new ListObjectsCommand({
            Bucket: this.bucket,
            Prefix: prefix,
            MaxKeys: this.pageSize,
            Marker: marker,
          }),
        ),
      );
      const contents = page.Contents ?? [];
      for (const object of contents) {
        if (object.Key === undefined) continue;
        out.push({
          key: object.Key,
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
        });
      }
      const last = contents.at(-1)?.Key;
      if (!page.IsTruncated || last === undefined) break;
      marker = last;
    }
    // S3 lists in UTF-8 byte order already; sorting keeps the contract if a peer does not.
    return out.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.call('delete', key, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }

  locate(key: string): string {
    checkKey(key);
    return `s3://${this.bucket}/${key}`;
  }

  private async call<T>(action: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.wrap(action, key, err);
    }
  }

  private wrap(action: string, key: string, err: unknown): Error {
    const e = err as Error;
    return new Error(`S3 ${action} s3://${this.bucket}/${key} failed: ${e.name}: ${e.message}`, {
      cause: err,
    });
  }
}

/** The same keys the folder store accepts: relative, `/`-separated, no empty or `..` segment. */
function checkKey(key: string): void {
  if (key === '' || key.startsWith('/') || key.split('/').some((part) => part === '..' || part === '')) {
    throw new Error(`invalid object key ${JSON.stringify(key)}`);
  }
}

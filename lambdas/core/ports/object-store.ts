/** One stored object as a listing reports it. */
export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

/**
 * The lake's object store: S3 on AWS, a folder locally. Keys are `/`-separated and never start
 * with `/`. A `put` is atomic: readers see the whole new object or the old one, never a part.
 */
export interface ObjectStore {
  put(key: string, body: Uint8Array): Promise<void>;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Optional streaming twins of get and put, for objects too big to hold (the ingest of a large
   * log file reads and copies it through these when the store has them). An S3 adapter maps
   * `getStream` to GetObject's body stream and `putStream` to a multipart upload; the same
   * atomicity holds: readers see the whole new object or the old one.
   */
  getStream?(key: string): AsyncIterable<Uint8Array> | undefined;
  putStream?(key: string, body: AsyncIterable<Uint8Array>): Promise<void>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Where the query engine finds `key` (a file path locally, an s3:// URI on AWS). */
  locate(key: string): string;
}

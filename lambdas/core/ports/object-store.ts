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
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Where the query engine finds `key` (a file path locally, an s3:// URI on AWS). */
  locate(key: string): string;
}

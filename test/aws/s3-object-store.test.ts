import { afterAll, beforeAll, expect, it } from 'vitest';
import { S3ObjectStore } from '../../lambdas/adapters/aws/s3-object-store.js';
import { objectStoreConformance } from '../conformance/object-store.js';
import { type S3Peer, startS3 } from './peers.js';

let peer: S3Peer;
let n = 0;
beforeAll(async () => {
  peer = await startS3([]);
});
afterAll(async () => {
  await peer.close();
});

objectStoreConformance(
  'S3 (s3rver)',
  async () => {
    const bucket = `lake-${++n}`;
    const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
    await peer.client.send(new CreateBucketCommand({ Bucket: bucket }));
    return {
      // A small page size makes the 1,005-key listing walk eleven pages.
      store: new S3ObjectStore({ client: peer.client, bucket, pageSize: 100 }),
      located: `s3://${bucket}/a/b.parquet`,
      cleanup: async () => {},
    };
  },
  {
    // S3 itself makes a PUT visible whole; s3rver writes the file in place, so a GET racing the PUT
    // can be cut off (ECONNRESET) on a loaded machine. The adapter adds nothing to either behaviour.
    atomicOverwriteUntestable: 's3rver rewrites objects in place; S3 guarantees atomic PUTs',
  },
);

it('names the bucket and key when S3 refuses a request', async () => {
  const store = new S3ObjectStore({ client: peer.client, bucket: 'no-such-bucket' });
  await expect(store.put('a/b', new Uint8Array([1]))).rejects.toThrow(
    /^S3 put s3:\/\/no-such-bucket\/a\/b failed: NoSuchBucket/,
  );
  expect(() => new S3ObjectStore({ client: peer.client, bucket: 'x', pageSize: 1001 })).toThrow(
    'S3ObjectStore pageSize must be an integer in 1..1000, got 1001',
  );
});

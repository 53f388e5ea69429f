import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsObjectStore } from '../../lambdas/adapters/local/fs-object-store.js';
import { objectStoreConformance } from '../conformance/object-store.js';

objectStoreConformance('folder (local)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mantissa-objects-'));
  return {
    store: new FsObjectStore(dir),
    located: join(dir, 'a', 'b.parquet'),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

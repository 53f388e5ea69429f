import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../lambdas/adapters/local/sqlite-state-store.js';
import { stateStoreConformance } from '../conformance/state-store.js';

const execFileAsync = promisify(execFile);

stateStoreConformance('SQLite (local)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mantissa-state-'));
  let now = 0;
  const store = new SqliteStateStore(join(dir, 'state.db'), () => now);
  return {
    store,
    setNow: (s) => {
      now = s;
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SqliteStateStore across processes', () => {
  it('keeps every write when several processes write the same file at once, and survives a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mantissa-state-mp-'));
    const file = join(dir, 'state.db');
    const module = JSON.stringify(join(process.cwd(), 'lambdas/adapters/local/sqlite-state-store.ts'));
    const script = `
      import { SqliteStateStore } from ${module};
      const store = new SqliteStateStore(process.argv[1]);
      for (let i = 0; i < 200; i++) await store.put('mp', process.pid + ':' + i, i);
      let wins = 0;
      for (let i = 0; i < 50; i++) if (await store.put('lock', String(i), process.pid, { ifNotExists: true })) wins++;
      console.log(wins);
      await store.close();`;
    const run = async () => {
      const { stdout } = await execFileAsync(process.execPath, [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
        file,
      ]);
      return Number(stdout.trim());
    };
    const wins = await Promise.all([run(), run(), run()]);
    // Each of the 50 locks went to exactly one process.
    expect(wins.reduce((a, b) => a + b, 0)).toBe(50);
    const reopened = new SqliteStateStore(file);
    expect(await reopened.query('mp')).toHaveLength(600);
    await reopened.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

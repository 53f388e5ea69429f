import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SOURCES } from '../../lambdas/core/sources/registry.js';

export interface SampleSummary {
  dir: string;
  files: number;
  bytes: number;
}

/** Writes every source's sample, as its provider delivers it, under `dir/<source>/`. */
export async function writeSample(
  dir: string,
  opts: { days: number; end: Date; seed: number },
): Promise<SampleSummary> {
  let files = 0;
  let bytes = 0;
  for (const source of SOURCES) {
    for (const file of source.sample(opts)) {
      const target = join(dir, source.name, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.body);
      files += 1;
      bytes += file.body.length;
    }
  }
  return { dir, files, bytes };
}

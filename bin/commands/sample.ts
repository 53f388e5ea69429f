import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SOURCES } from '../../lambdas/core/sources/registry.js';
import { type Command, intOption, parse } from './command.js';

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

export const sampleCommand: Command = {
  name: 'sample',
  usage: 'mantissa sample [--days 3] [--out DIR]',
  async run(runtime, args) {
    const { values } = parse(args, { days: { type: 'string', default: '3' }, out: { type: 'string' } });
    const dir = resolve(typeof values.out === 'string' ? values.out : join(runtime.home, 'sample'));
    const days = intOption(values.days, 'days', 1, 90) ?? 3;
    const summary = await writeSample(dir, { days, end: runtime.clock.now(), seed: Date.now() % 2 ** 31 });
    process.stdout.write(`wrote ${summary.files} files (${summary.bytes} bytes) under ${summary.dir}\n`);
    return 0;
  },
};

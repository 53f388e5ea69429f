import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { PACKAGE_ROOT } from '../../lambdas/adapters/local/runtime.js';
import type { PackFile } from '../../lambdas/core/rulepack/index.js';
import { UsageError } from './output.js';

/** The rule pack Mantissa Log ships. */
export const SHIPPED_SIGMA = join(PACKAGE_ROOT, 'rules', 'sigma');

/** The user's own Sigma rules, and where `rules import` puts third-party ones. */
export function homeSigma(home: string): string {
  return join(home, 'rules', 'sigma');
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out;
}

/** How a path is shown in messages: relative to the working folder when it lies inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || rel === '' ? path : rel.split(sep).join('/');
}

/** Every `.yml`/`.yaml` file of the given files and folders (recursively), read. */
export async function readRuleFiles(
  paths: readonly string[],
  opts: { missingOk?: boolean } = {},
): Promise<PackFile[]> {
  const files: PackFile[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    const info = await stat(abs).catch(() => undefined);
    if (!info) {
      if (opts.missingOk) continue;
      throw new UsageError(`no such file or folder: ${p}`);
    }
    const list = info.isDirectory() ? await walk(abs) : [abs];
    for (const f of list) files.push({ path: displayPath(f), text: await readFile(f, 'utf8') });
  }
  return files;
}

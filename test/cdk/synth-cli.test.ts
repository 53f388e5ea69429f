import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../lib/functions.js';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** `npx cdk synth --quiet` as a user runs it, minus every AWS credential the environment might hold. */
function cdkSynth(...context: string[]) {
  const outdir = mkdtempSync(join(tmpdir(), 'mantissa-cdk-'));
  outdirs.push(outdir);
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' };
  for (const name of Object.keys(env)) {
    if (name.startsWith('AWS_') || name.startsWith('CDK_DEFAULT_')) delete env[name];
  }
  // Points the SDK at files that do not exist, so no profile or SSO cache can be picked up.
  env.AWS_CONFIG_FILE = join(outdir, 'no-config');
  env.AWS_SHARED_CREDENTIALS_FILE = join(outdir, 'no-credentials');
  env.AWS_EC2_METADATA_DISABLED = 'true';
  const args = [
    'cdk',
    'synth',
    '--quiet',
    '--no-notices',
    '-o',
    outdir,
    ...context.flatMap((c) => ['-c', c]),
  ];
  return spawnSync('npx', args, { cwd: PROJECT_ROOT, env, encoding: 'utf8', timeout: 90_000 });
}

describe('npx cdk synth', () => {
  test('succeeds without AWS credentials (fixture handlers, bundling skipped)', () => {
    const result = cdkSynth('handlers=test/cdk/fixtures/handler.ts', 'bundling=false');
    expect(result.stderr).not.toMatch(/AwsSolutions-/);
    expect(result.status, result.stderr).toBe(0);
  });

  test('names a missing handler file instead of printing a stack trace', () => {
    const result = cdkSynth('handlers={"ingest":"lambdas/handlers/does-not-exist.ts"}', 'bundling=false');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('handler entry files are missing');
    expect(result.stderr).toContain('ingest: ');
    expect(result.stderr).toContain('does-not-exist.ts');
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  test('names a bad sources file and the field instead of printing a stack trace', () => {
    const result = cdkSynth(
      'handlers=test/cdk/fixtures/handler.ts',
      'bundling=false',
      'sourcesFile=test/cdk/fixtures/no-such-sources.yaml',
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Mantissa Log: cannot synthesise: ');
    expect(result.stderr).toContain('no-such-sources.yaml');
    expect(result.stderr).toContain('file does not exist (named by -c sourcesFile)');
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  test('names a bad rules folder instead of printing a stack trace', () => {
    const result = cdkSynth(
      'handlers=test/cdk/fixtures/handler.ts',
      'bundling=false',
      'rulesDir=test/cdk/fixtures/no-such-rules',
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'Mantissa Log: cannot synthesise: test/cdk/fixtures/no-such-rules: not a folder (named by -c rulesDir)',
    );
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});

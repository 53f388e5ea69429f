import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';
import {
  bundleInstallCommand,
  DUCKDB_EXTERNALS,
  MantissaFunction,
  PROJECT_ROOT,
  pinnedVersion,
} from '../../lib/functions.js';
import { DEFAULT_HANDLERS } from '../../lib/mantissa-stack.js';
import { synthesise } from './synth.js';

describe('packages installed beside a bundle', () => {
  test('DuckDB and geoip-country come from one npm install, each checked afterwards', () => {
    const command = bundleInstallCommand('/tmp/bundle', { duckdb: '1.2.3', geoip: '5.0.1' });
    // One install: a second into the same folder would prune what the first put there.
    expect(command.match(/npm install/g)).toHaveLength(1);
    expect(command).toContain(
      '--os=linux --cpu=arm64 --libc=glibc @duckdb/node-api@1.2.3 geoip-country@5.0.1',
    );
    expect(command).toContain(
      'test -f "/tmp/bundle"/node_modules/@duckdb/node-bindings-linux-arm64/package.json',
    );
    expect(command).toContain('test -f "/tmp/bundle"/node_modules/geoip-country/data/geoip-country.dat');
    expect(command).toContain('--ignore-scripts');
    expect(command).not.toMatch(/(^|&& )cd /);
  });

  test('without DuckDB, no binding check and no DuckDB package', () => {
    const command = bundleInstallCommand('/tmp/bundle', { geoip: '5.0.1' });
    expect(command).not.toContain('@duckdb');
    expect(command).toContain('geoip-country@5.0.1');
  });

  test('versions come from package.json, pinned exactly', () => {
    expect(pinnedVersion('geoip-country')).toMatch(/^\d+\.\d+\.\d+$/);
    expect(() => pinnedVersion('left-pad')).toThrow(
      'package.json must pin left-pad to an exact version (found none)',
    );
  });

  test('only the detection function (which enriches alerts) ships the country database', () => {
    const { stack } = synthesise();
    const installs = Object.fromEntries(
      stack.node
        .findAll()
        .filter((c): c is MantissaFunction => c instanceof MantissaFunction)
        .map((f) => [f.node.path.replace(/^MantissaLog\//, ''), f.installs]),
    );
    expect(installs).toEqual({
      'Ingestion/Ingest': { duckdb: true, geoip: false },
      'Detection/Detect': { duckdb: true, geoip: true },
      'Alerting/Router': { duckdb: false, geoip: false },
      'Api/Handler': { duckdb: false, geoip: false },
    });
  });

  test("each function installs DuckDB exactly when its handler's bundle imports it", async () => {
    const handlers: Record<string, string> = {
      'Ingestion/Ingest': DEFAULT_HANDLERS.ingest,
      'Detection/Detect': DEFAULT_HANDLERS.detection,
      'Alerting/Router': DEFAULT_HANDLERS.alertRouter,
      'Api/Handler': DEFAULT_HANDLERS.api,
    };
    const { stack } = synthesise();
    for (const fn of stack.node
      .findAll()
      .filter((c): c is MantissaFunction => c instanceof MantissaFunction)) {
      const name = fn.node.path.replace(/^MantissaLog\//, '');
      const result = await build({
        entryPoints: [join(PROJECT_ROOT, handlers[name] as string)],
        bundle: true,
        write: false,
        metafile: true,
        platform: 'node',
        format: 'esm',
        outdir: '/tmp/mantissa-bundling-test',
        external: ['@aws-sdk/*', ...DUCKDB_EXTERNALS, 'geoip-country'],
        logLevel: 'silent',
      });
      const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
      expect({ [name]: fn.installs.duckdb }).toEqual({ [name]: imports.includes('@duckdb/node-api') });
    }
  }, 60_000);
});

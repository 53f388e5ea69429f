import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaMemoryShareMb, openLambdaEncoder } from '../../lambdas/adapters/aws/lambda-encoder.js';
import { DuckDbParquetEncoder } from '../../lambdas/adapters/duckdb/parquet-encoder.js';

describe('the Parquet encoder in Lambda', () => {
  afterEach(() => vi.restoreAllMocks());

  it('takes half the function memory the runtime reports, and nothing outside Lambda', () => {
    expect(lambdaMemoryShareMb({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '2048' })).toBe(1024);
    expect(lambdaMemoryShareMb({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1769' })).toBe(884);
    expect(lambdaMemoryShareMb({})).toBeUndefined();
    expect(lambdaMemoryShareMb({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: 'lots' })).toBeUndefined();
  });

  it('holds DuckDB to the budget and spills inside its scratch folder, not the read-only working directory', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'mantissa-encoder-'));
    const encoder = await DuckDbParquetEncoder.open(parent, { memoryLimitMb: 512 });
    try {
      const limits = await encoder.limits();
      // DuckDB reports 512 MB (10^6 bytes) in MiB.
      expect(limits.memoryLimit).toBe('488.2 MiB');
      expect(limits.spillDirectory.startsWith(`${parent}/mantissa-parquet-`)).toBe(true);
      expect(limits.spillDirectory.endsWith('/spill')).toBe(true);
    } finally {
      await encoder.close();
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('logs what DuckDB was allowed once, when the function opens it', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const encoder = await openLambdaEncoder({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '2048' });
    await encoder.close();
    expect(log).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(log.mock.calls[0]?.[0])) as Record<string, string>;
    expect(line.message).toBe('parquet encoder');
    expect(line.memoryLimit).toBe('976.5 MiB');
    expect(line.spillDirectory).toMatch(/^\/tmp\/mantissa-parquet-\w+\/spill$/);
  });
});

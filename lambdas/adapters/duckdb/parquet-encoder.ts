import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ParquetEncoder } from '../../core/ports/parquet-encoder.js';
import { duckdbType, quoteIdent, type TableSchema } from '../../core/schema/types.js';
import { sqlString } from './values.js';

/**
 * Encodes rows as zstd Parquet with DuckDB: the rows go to a scratch NDJSON file that DuckDB reads
 * with the table's exact column types (so every file of a table has the same schema) and copies
 * to Parquet. Used locally and in the ingest Lambda (with /tmp as scratch).
 */
export class DuckDbParquetEncoder implements ParquetEncoder {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly scratch: string,
  ) {}

  static async open(scratchParent: string = tmpdir()): Promise<DuckDbParquetEncoder> {
    const scratch = await mkdtemp(join(scratchParent, 'mantissa-parquet-'));
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '2',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const conn = await instance.connect();
    try {
      // Only the scratch folder is reachable: the encoder never needs more.
      await conn.run("SET GLOBAL TimeZone = 'UTC'");
      await conn.run(`SET allowed_directories = [${sqlString(`${scratch}/`)}]`);
      await conn.run('SET enable_external_access = false');
      await conn.run('SET lock_configuration = true');
    } finally {
      conn.closeSync();
    }
    return new DuckDbParquetEncoder(instance, scratch);
  }

  async encode(schema: TableSchema, rows: readonly Record<string, unknown>[]): Promise<Uint8Array> {
    const id = randomBytes(8).toString('hex');
    const input = join(this.scratch, `${id}.ndjson`);
    const output = join(this.scratch, `${id}.parquet`);
    const columns = schema.columns
      .map((c) => `${sqlString(c.name)}: ${sqlString(duckdbType(c.type))}`)
      .join(', ');
    const select = schema.columns.map((c) => quoteIdent(c.name)).join(', ');
    try {
      await writeFile(input, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
      const conn = await this.instance.connect();
      try {
        await conn.run(
          `COPY (SELECT ${select} FROM read_json(${sqlString(input)}, format = 'newline_delimited',
             columns = {${columns}}, timestampformat = '%Y-%m-%dT%H:%M:%S.%fZ', maximum_object_size = 67108864))
           TO ${sqlString(output)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
        );
      } finally {
        conn.closeSync();
      }
      return await readFile(output);
    } finally {
      await rm(input, { force: true });
      await rm(output, { force: true });
    }
  }

  async close(): Promise<void> {
    this.instance.closeSync();
    await rm(this.scratch, { recursive: true, force: true });
  }
}

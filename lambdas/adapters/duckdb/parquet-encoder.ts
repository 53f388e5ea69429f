import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ParquetEncoder, ParquetPart } from '../../core/ports/parquet-encoder.js';
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

  /**
   * `memoryLimitMb`: DuckDB's memory budget; by default 80% of the machine's memory, which in Lambda
   * is the host's, not the function's, so the handlers pass a share of the function's memory
   * (adapters/aws/lambda-encoder.ts). Past the budget DuckDB spills to a folder inside the scratch folder:
   * its default, `.tmp` in the working directory, is read-only in Lambda.
   */
  static async open(
    scratchParent: string = tmpdir(),
    opts: { memoryLimitMb?: number } = {},
  ): Promise<DuckDbParquetEncoder> {
    const scratch = await mkdtemp(join(scratchParent, 'mantissa-parquet-'));
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '2',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      temp_directory: join(scratch, 'spill'),
      ...(opts.memoryLimitMb ? { memory_limit: `${Math.floor(opts.memoryLimitMb)}MB` } : {}),
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

  /** DuckDB's effective memory budget and spill folder, for the log line a handler writes at start. */
  async limits(): Promise<{ memoryLimit: string; spillDirectory: string }> {
    const conn = await this.instance.connect();
    try {
      const reader = await conn.runAndReadAll(
        "SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t",
      );
      const [row] = reader.getRowObjectsJson() as { m: string; t: string }[];
      return { memoryLimit: row?.m ?? '', spillDirectory: row?.t ?? '' };
    } finally {
      conn.closeSync();
    }
  }

  async encode(schema: TableSchema, rows: readonly Record<string, unknown>[]): Promise<Uint8Array> {
    const part = this.part(schema);
    for (const row of rows) part.add(row);
    return part.finish();
  }

  part(schema: TableSchema): ParquetPart {
    return new DuckDbPart((pieces) => this.copy(schema, pieces));
  }

  /** Writes the serialised rows to a scratch file and has DuckDB copy them to Parquet. */
  private async copy(schema: TableSchema, pieces: string[]): Promise<Uint8Array> {
    const id = randomBytes(8).toString('hex');
    const input = join(this.scratch, `${id}.ndjson`);
    const output = join(this.scratch, `${id}.parquet`);
    const columns = schema.columns
      .map((c) => `${sqlString(c.name)}: ${sqlString(duckdbType(c.type))}`)
      .join(', ');
    const select = schema.columns.map((c) => quoteIdent(c.name)).join(', ');
    try {
      const file = await open(input, 'w');
      try {
        for (const piece of pieces) await file.write(piece);
      } finally {
        await file.close();
      }
      // The text is on disk now: let it go before DuckDB starts taking memory of its own.
      pieces.length = 0;
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

/**
 * Serialised rows, joined into pieces of about 1 MiB: few large writes, no one huge string, and
 * no long string ropes (appending with += measured twice as slow once the rope is flattened).
 */
class DuckDbPart implements ParquetPart {
  rows = 0;
  bytes = 0;
  private pieces: string[] = [];
  private batch: string[] = [];
  private batchBytes = 0;
  private spent = false;

  constructor(private readonly copy: (pieces: string[]) => Promise<Uint8Array>) {}

  add(row: Record<string, unknown>): void {
    if (this.spent) throw new Error('rows added to a finished Parquet part');
    // Plain JSON.stringify, nulls and all: a replacer function (to drop nulls) takes V8 off its fast
    // path, and a serialiser compiled from the schema built string ropes whose flattening cost more;
    // both measured slower end to end than the ~20% longer lines cost DuckDB.
    const line = JSON.stringify(row);
    this.batch.push(line);
    this.rows += 1;
    this.bytes += line.length + 1;
    this.batchBytes += line.length + 1;
    if (this.batchBytes >= 1_048_576) this.seal();
  }

  finish(): Promise<Uint8Array> {
    if (this.spent) throw new Error('a Parquet part finished twice');
    this.spent = true;
    this.seal();
    const pieces = this.pieces;
    this.pieces = [];
    return this.copy(pieces);
  }

  private seal(): void {
    if (this.batch.length === 0) return;
    this.pieces.push(`${this.batch.join('\n')}\n`);
    this.batch = [];
    this.batchBytes = 0;
  }
}

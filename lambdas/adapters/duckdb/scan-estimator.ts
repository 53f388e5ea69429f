import { DuckDBInstance } from '@duckdb/node-api';
import type { ScanEstimate, ScanEstimator, ScanRequest } from '../../core/query/estimate.js';
import { sqlString } from './values.js';

/**
 * Bytes a query would scan, from the Parquet footers of the partition files its time range
 * selects, counting only the column chunks it reads (what Athena bills). Its own DuckDB instance,
 * locked down like the query engine's: it reads only the lake's tables folder and runs only the
 * SQL written here.
 */
export class DuckDbScanEstimator implements ScanEstimator {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly tablesDir: string,
  ) {}

  static async open(lakeRoot: string): Promise<DuckDbScanEstimator> {
    const tablesDir = `${lakeRoot.replace(/\/+$/, '')}/tables/`;
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '1',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const conn = await instance.connect();
    try {
      await conn.run(`SET allowed_directories = [${sqlString(tablesDir)}]`);
      await conn.run('SET enable_external_access = false');
      await conn.run('SET lock_configuration = true');
    } finally {
      conn.closeSync();
    }
    return new DuckDbScanEstimator(instance, tablesDir);
  }

  async estimate(req: ScanRequest): Promise<ScanEstimate> {
    if (!/^[a-z_][a-z0-9_]*$/.test(req.table)) throw new Error(`bad table name ${req.table}`);
    const conn = await this.instance.connect();
    try {
      const listing = await conn.runAndReadAll(
        `SELECT file FROM glob(${sqlString(`${this.tablesDir}${req.table}/*/*/*.parquet`)})`,
      );
      const fromHour = req.from.toISOString().slice(0, 13);
      const toHour = req.to.toISOString().slice(0, 13);
      // Partition pruning as the engines do it: dt=YYYY-MM-DD/hour=HH in the path, compared by hour.
      const files = (listing.getRowObjectsJson() as { file: string }[])
        .map((r) => r.file)
        .filter((file) => {
          const m = /\/dt=(\d{4}-\d\d-\d\d)\/hour=(\d\d)\//.exec(file);
          if (!m) return false;
          const hour = `${m[1]}T${m[2]}`;
          return hour >= fromHour && hour <= toHour;
        });
      if (files.length === 0) return { bytes: 0, files: 0 };
      const list = `[${files.map(sqlString).join(', ')}]`;
      const meta = await conn.runAndReadAll(
        `SELECT path_in_schema AS path, sum(total_compressed_size) AS bytes FROM parquet_metadata(${list}) GROUP BY 1`,
      );
      const wanted = req.columns ? new Set(req.columns.map((c) => c.toLowerCase())) : undefined;
      let bytes = 0;
      for (const row of meta.getRowObjectsJson() as { path: string; bytes: unknown }[]) {
        // Nested leaves are reported as "useridentity, arn": the top-level column is the first part.
        const top = String(row.path).split(/[,.]/)[0]?.trim().toLowerCase() ?? '';
        if (!wanted || wanted.has(top)) bytes += Number(row.bytes);
      }
      return { bytes, files: files.length };
    } finally {
      conn.closeSync();
    }
  }

  async close(): Promise<void> {
    this.instance.closeSync();
  }
}

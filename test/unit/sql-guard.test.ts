import { describe, expect, it } from 'vitest';
import { guardSql, SqlRejectedError } from '../../lambdas/core/query/sql-guard.js';

const tables = ['cloudtrail'];
const refuse = (sql: string) => {
  try {
    guardSql(sql, { tables });
  } catch (err) {
    expect(err).toBeInstanceOf(SqlRejectedError);
    return (err as Error).message;
  }
  throw new Error(`accepted: ${sql}`);
};

describe('guardSql', () => {
  it('accepts one SELECT or WITH over known tables and reports the tables read', () => {
    expect(guardSql('SELECT count(*) FROM cloudtrail', { tables }).tables).toEqual(['cloudtrail']);
    expect(
      guardSql(
        `WITH f AS (SELECT useridentity.arn AS a FROM cloudtrail WHERE eventtime > CURRENT_TIMESTAMP - INTERVAL '1' HOUR)
         SELECT a, count(*) FROM f GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
        { tables },
      ).tables,
    ).toEqual(['cloudtrail']);
    expect(
      guardSql("SELECT * FROM cloudtrail WHERE eventname = 'DROP TABLE x; --'", { tables }).tables,
    ).toEqual(['cloudtrail']);
  });

  it.each([
    ['DROP TABLE x', /only SELECT queries are allowed; found DROP/],
    ['DELETE FROM cloudtrail', /only SELECT queries are allowed; found DELETE/],
    ["INSERT INTO cloudtrail (eventname) VALUES ('x')", /only SELECT queries are allowed; found INSERT/],
    ['SELECT 1; SELECT 2', /exactly one statement is allowed; found 2/],
    ['SELECT * FROM cloudtrail; DROP TABLE cloudtrail', /exactly one statement is allowed; found 2/],
    ["SELECT * FROM read_csv('/etc/passwd')", /table functions are not allowed in FROM \(read_csv\)/],
    ['SELECT * FROM information_schema.tables', /schema-qualified table information_schema.tables/],
    ['SELECT * FROM lake.cloudtrail', /schema-qualified table lake.cloudtrail/],
    ['SELECT * FROM secrets', /table secrets is not one of the lake's tables \(cloudtrail\)/],
    ["SELECT read_text('/etc/passwd') FROM cloudtrail", /function read_text is not allowed/],
    ["SELECT current_setting('threads') FROM cloudtrail", /function current_setting is not allowed/],
    [
      'SELECT * FROM (SELECT * FROM (SELECT * FROM (SELECT * FROM (SELECT * FROM cloudtrail) a) b) c) d',
      /subqueries nest 4 deep; at most 3 allowed/,
    ],
    ['', /empty SQL/],
    ['SELEC * FROM cloudtrail', /SQL could not be parsed/],
  ])('refuses %j', (sql, reason) => {
    expect(refuse(sql)).toMatch(reason);
  });
});

import type { QueryEngine } from '../../ports/query-engine.js';
import { guardSql } from '../../query/sql-guard.js';
import type { EntityKind } from '../model.js';
import type { Entity, EntityHistory } from './types.js';

/** Where each kind of entity appears in the lake: table and column (a struct path where needed). */
export const HISTORY_COLUMNS: Partial<Record<EntityKind, { table: string; column: string }[]>> = {
  ip: [
    { table: 'cloudtrail', column: 'sourceipaddress' },
    { table: 'identity_events', column: 'source_ip' },
  ],
  user: [
    { table: 'identity_events', column: 'user_name' },
    { table: 'cloudtrail', column: 'useridentity.username' },
  ],
  account: [{ table: 'cloudtrail', column: 'recipientaccountid' }],
};

/**
 * Entity values become SQL string literals, so only plain identifier characters are accepted (IP
 * addresses, user names, account ids, ARNs); anything else is not looked up at all.
 */
const SAFE_VALUE = /^[A-Za-z0-9_.:@+=,/-]{1,256}$/;

const HISTORY_DAYS = 90;

/**
 * First and last sighting and event count of each entity in the lake over the last 90 days, one
 * query per table that holds the kind. Each query passes the same SQL guard as a person's query.
 */
export async function entityHistory(
  engine: QueryEngine,
  entities: readonly Entity[],
  tables: readonly string[],
  now: Date,
): Promise<{ history: EntityHistory[]; notes: string[] }> {
  const history: EntityHistory[] = [];
  const notes: string[] = [];
  const from = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
  for (const entity of entities) {
    if (!SAFE_VALUE.test(entity.value)) continue;
    for (const { table, column } of HISTORY_COLUMNS[entity.kind] ?? []) {
      if (!tables.includes(table)) continue;
      const literal = `'${entity.value.replace(/'/g, "''")}'`;
      const sql = `SELECT min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS events FROM ${table} WHERE ${column} = ${literal}`;
      try {
        guardSql(sql, { tables });
        const result = await engine.query(sql, {
          maxRows: 1,
          timeoutMs: 30_000,
          scopes: [{ table, from, to: now }],
        });
        const row = result.rows[0] ?? {};
        const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
        // A table that never saw the entity says nothing worth showing.
        if (Number(row.events ?? 0) === 0) continue;
        history.push({
          entity,
          table,
          firstSeen: text(row.first_seen),
          lastSeen: text(row.last_seen),
          events: Number(row.events ?? 0),
        });
      } catch (err) {
        notes.push(`history of ${entity.kind} ${entity.value} in ${table}: ${(err as Error).message}`);
      }
    }
  }
  return { history, notes };
}

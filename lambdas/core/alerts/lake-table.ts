import { createHash } from 'node:crypto';
import { layout, partitionOf } from '../lake/layout.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ParquetEncoder } from '../ports/parquet-encoder.js';
import { COMMON_COLUMNS, type TableSchema } from '../schema/types.js';
import type { Alert } from './model.js';
import type { AlertStore } from './store.js';

const list = { list: 'string' } as const;

/**
 * The `alerts` table: one row per stored state of an alert (raised, merged, triaged), so the lake
 * keeps every alert's history queryable by SQL. `ts` is when that state was written; the newest row
 * of an `alert_id` is its current state.
 */
export const alertsSchema: TableSchema = {
  name: 'alerts',
  description:
    'Alerts, one row per change (raised, merged, triaged); the newest row per alert_id is current.',
  timeColumn: 'ts',
  columns: [
    { name: 'alert_id', type: 'string', description: 'Alert id (as the API shows it).' },
    { name: 'rule_id', type: 'string', description: 'Rule that raised it.' },
    { name: 'rule_name', type: 'string', description: 'Rule name.' },
    { name: 'severity', type: 'string', description: 'critical, high, medium, low or info.' },
    {
      name: 'status',
      type: 'string',
      description: 'open, acknowledged, resolved, suppressed or false-positive.',
    },
    { name: 'title', type: 'string', description: 'Alert title.' },
    { name: 'category', type: 'string', description: 'Rule category.' },
    {
      name: 'dedup_key',
      type: 'string',
      description: 'Rule id plus the values that identify the matched thing.',
    },
    { name: 'first_seen', type: 'timestamp', description: 'Event time of the earliest evidence.' },
    { name: 'last_seen', type: 'timestamp', description: 'Event time of the latest evidence.' },
    { name: 'match_count', type: 'bigint', description: 'Matches merged into the alert.' },
    { name: 'mitre_attack', type: list, description: 'ATT&CK technique ids.' },
    { name: 'users', type: list, description: 'User entities.' },
    { name: 'ips', type: list, description: 'IP address entities.' },
    { name: 'hosts', type: list, description: 'Host entities.' },
    { name: 'accounts', type: list, description: 'Account entities.' },
    { name: 'resources', type: list, description: 'Resource entities.' },
    { name: 'event_ids', type: list, description: 'event_id of evidence rows (capped).' },
    { name: 'assignee', type: 'string', description: 'Who the alert is assigned to.' },
    { name: 'created_at', type: 'timestamp', description: 'When the alert was raised.' },
    ...COMMON_COLUMNS,
  ],
};

function rowOf(alert: Alert, now: Date, sourceObject: string): Record<string, unknown> {
  return {
    alert_id: alert.id,
    rule_id: alert.ruleId,
    rule_name: alert.ruleName,
    severity: alert.severity,
    status: alert.status,
    title: alert.title,
    category: alert.category,
    dedup_key: alert.dedupKey,
    first_seen: new Date(alert.firstSeen),
    last_seen: new Date(alert.lastSeen),
    match_count: alert.count,
    mitre_attack: alert.mitreAttack,
    users: alert.entities.user ?? [],
    ips: alert.entities.ip ?? [],
    hosts: alert.entities.host ?? [],
    accounts: alert.entities.account ?? [],
    resources: alert.entities.resource ?? [],
    event_ids: alert.eventIds,
    assignee: alert.assignee ?? null,
    created_at: new Date(alert.createdAt),
    ts: new Date(alert.updatedAt),
    // One row per stored state: the same state appended twice keeps one event_id.
    event_id: `${alert.id}@${alert.updatedAt}#${alert.count}#${alert.status}#${alert.assignee ?? ''}`,
    ingest_ts: now,
    source_object: sourceObject,
  };
}

/**
 * Appends the alerts changed since the last append to the alerts table. The file name derives from
 * the states written, so an append interrupted before its markers were cleared rewrites the same
 * file on the next run instead of adding a second copy. Returns the rows written.
 */
export async function appendAlertsToLake(
  alerts: AlertStore,
  lake: { store: ObjectStore; encoder: ParquetEncoder },
  now: Date,
): Promise<number> {
  const ids = await alerts.lakePending();
  if (ids.length === 0) return 0;
  const current = (await Promise.all(ids.map((id) => alerts.get(id)))).filter((a): a is Alert => !!a);
  const batch = createHash('sha256')
    .update(JSON.stringify(current.map((a) => [a.id, a.updatedAt, a.count, a.status, a.assignee])))
    .digest('hex')
    .slice(0, 24);
  const byPartition = new Map<string, { dt: string; hour: string; rows: Record<string, unknown>[] }>();
  for (const alert of current) {
    const row = rowOf(alert, now, `mantissa:alerts/${batch}`);
    const { dt, hour } = partitionOf(row.ts as Date);
    const group = byPartition.get(`${dt}/${hour}`) ?? { dt, hour, rows: [] };
    byPartition.set(`${dt}/${hour}`, group);
    group.rows.push(row);
  }
  for (const { dt, hour, rows } of byPartition.values()) {
    const key = layout.tableFile(alertsSchema.name, dt, hour, `alerts-${batch}`);
    await lake.store.put(key, await lake.encoder.encode(alertsSchema, rows));
  }
  await alerts.lakeDone(ids);
  return current.length;
}

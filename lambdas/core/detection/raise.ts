import { createHash } from 'node:crypto';
import { type Alert, EVIDENCE_CAP, EVIDENCE_HASH_CAP } from '../alerts/model.js';
import type { AlertStore } from '../alerts/store.js';
import type { SqlRule } from '../rules/sql-rule.js';

/** One result row of a rule, with the event-time span it stands for. */
export interface Match {
  row: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** The values that identify a match: the rule's dedup_fields, or every text column of the row. */
export function dedupValues(rule: SqlRule, row: Record<string, unknown>): Record<string, unknown> {
  const fields =
    rule.dedup_fields ??
    Object.keys(row).filter((k) => typeof row[k] === 'string' && !isTimestampText(row[k]));
  return Object.fromEntries(fields.map((f) => [f, row[f] ?? null]));
}

function isTimestampText(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value);
}

function titleFor(rule: SqlRule, values: Record<string, unknown>): string {
  const parts = Object.entries(values)
    .filter(([, v]) => v !== null && v !== '')
    .slice(0, 4)
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? `${rule.name}: ${parts.join(' ')}` : rule.name;
}

/**
 * Turns one group of matches (same rule, same dedup values) into a stored alert: a new one, or
 * the open alert with the same dedup key and a last sighting within the rule's window, merged.
 * Idempotent: the id of a new alert derives from its first row, and rows already merged are not
 * counted again, so a cycle that is re-run after a crash changes nothing.
 */
export async function raise(
  store: AlertStore,
  rule: SqlRule,
  matches: Match[],
  now: Date,
): Promise<{ alert: Alert; created: boolean; changed: boolean }> {
  const first = matches[0];
  if (!first) throw new Error('raise needs at least one match');
  const values = dedupValues(rule, first.row);
  const dedupKey = `${rule.id}#${hash(values).slice(0, 32)}`;
  const rows = matches.map((m) => ({ ...m, hash: hash(m.row) }));

  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await findMergeable(
      store,
      dedupKey,
      rule,
      first.firstSeen,
      rows.map((r) => r.hash),
    );
    if (existing) {
      const { alert, version } = existing;
      const known = new Set(alert.evidenceHashes);
      const fresh = rows.filter((r) => !known.has(r.hash));
      if (fresh.length === 0) return { alert, created: false, changed: false };
      const updated: Alert = {
        ...alert,
        count: alert.count + fresh.length,
        firstSeen: [alert.firstSeen, ...fresh.map((r) => r.firstSeen)].sort()[0] ?? alert.firstSeen,
        lastSeen: [alert.lastSeen, ...fresh.map((r) => r.lastSeen)].sort().at(-1) ?? alert.lastSeen,
        evidence: [...alert.evidence, ...fresh.map((r) => r.row)].slice(0, EVIDENCE_CAP),
        evidenceHashes: [...alert.evidenceHashes, ...fresh.map((r) => r.hash)].slice(-EVIDENCE_HASH_CAP),
        updatedAt: now.toISOString(),
        history: [...alert.history, { at: now.toISOString(), action: 'matched-again' }],
      };
      if (await store.replace(updated, version)) return { alert: updated, created: false, changed: true };
      continue;
    }
    const alert: Alert = {
      id: hash([dedupKey, rows[0]?.hash]).slice(0, 24),
      ruleId: rule.id,
      ruleName: rule.name,
      severity: rule.severity,
      title: titleFor(rule, values),
      description: rule.description,
      category: rule.category,
      mitreAttack: rule.metadata.mitre_attack,
      tags: rule.metadata.tags,
      status: 'open',
      dedupKey,
      firstSeen: rows.map((r) => r.firstSeen).sort()[0] ?? first.firstSeen,
      lastSeen:
        rows
          .map((r) => r.lastSeen)
          .sort()
          .at(-1) ?? first.lastSeen,
      count: rows.length,
      evidence: rows.slice(0, EVIDENCE_CAP).map((r) => r.row),
      evidenceHashes: rows.map((r) => r.hash).slice(-EVIDENCE_HASH_CAP),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      history: [{ at: now.toISOString(), action: 'created' }],
    };
    if (await store.create(alert)) return { alert, created: true, changed: true };
    // Someone (an earlier run of this very cycle, or another process) created it: merge instead.
  }
  throw new Error(`alert for ${dedupKey} kept changing while being raised; the cycle will retry`);
}

async function findMergeable(
  store: AlertStore,
  dedupKey: string,
  rule: SqlRule,
  firstSeen: string,
  rowHashes: string[],
): Promise<{ alert: Alert; version: number } | undefined> {
  const byFirstRow = await store.getVersioned(hash([dedupKey, rowHashes[0]]).slice(0, 24));
  if (byFirstRow) return byFirstRow;
  const candidates = (await store.list({ ruleId: rule.id })).filter(
    (a) =>
      a.dedupKey === dedupKey &&
      a.status !== 'resolved' &&
      Date.parse(firstSeen) - Date.parse(a.lastSeen) <= rule.threshold.window,
  );
  const newest = candidates[0];
  return newest ? store.getVersioned(newest.id) : undefined;
}

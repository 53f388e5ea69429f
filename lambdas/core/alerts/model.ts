export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'suppressed', 'false-positive'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Statuses whose alert still takes in new matches; a resolved or false-positive alert is closed. */
export const MERGEABLE_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'suppressed'];

/** The kinds of thing an alert is about, extracted from its evidence (see entities.ts). */
export const ENTITY_KINDS = ['user', 'ip', 'host', 'account', 'resource'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];
export type Entities = Partial<Record<EntityKind, string[]>>;

export interface AlertHistoryEntry {
  at: string;
  action: 'created' | 'matched-again' | 'status' | 'assigned' | 'note' | 'suppression-created';
  by?: string;
  from?: string;
  to?: string;
}

export interface AlertNote {
  at: string;
  by: string;
  text: string;
}

export interface Alert {
  id: string;
  ruleId: string;
  ruleName: string;
  severity: Severity;
  title: string;
  description: string;
  category: string;
  /** ATT&CK technique ids, e.g. T1078.004. */
  mitreAttack: string[];
  tags: string[];
  status: AlertStatus;
  /** Rule id plus the values that make two matches "the same thing". */
  dedupKey: string;
  /** Event time of the earliest and latest evidence, ISO 8601 UTC. */
  firstSeen: string;
  lastSeen: string;
  /** Distinct matches merged into this alert (events for single-event rules, result rows for queries). */
  count: number;
  /** Who and what the alert is about, from its evidence: up to ENTITY_CAP values per kind. */
  entities: Entities;
  /** The matching rows, the first EVIDENCE_CAP of them. */
  evidence: Record<string, unknown>[];
  /** `event_id` of evidence rows that have one (the first EVIDENCE_CAP). */
  eventIds: string[];
  /** Identities of every match merged so far (capped), so re-running a cycle never counts one twice. */
  evidenceHashes: string[];
  assignee?: string;
  notes: AlertNote[];
  createdAt: string;
  updatedAt: string;
  history: AlertHistoryEntry[];
}

export const EVIDENCE_CAP = 50;
export const EVIDENCE_HASH_CAP = 5_000;
export const ENTITY_CAP = 20;

/** Alerts stored before a field existed get its empty value, so readers see one shape. */
export function normaliseAlert(stored: Alert): Alert {
  return {
    ...stored,
    entities: stored.entities ?? {},
    eventIds: stored.eventIds ?? [],
    notes: stored.notes ?? [],
  };
}

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export interface AlertHistoryEntry {
  at: string;
  action: 'created' | 'matched-again' | 'status';
  by?: string;
  from?: string;
  to?: string;
}

export interface Alert {
  id: string;
  ruleId: string;
  ruleName: string;
  severity: Severity;
  title: string;
  description: string;
  category: string;
  mitreAttack: string[];
  tags: string[];
  status: AlertStatus;
  /** Rule id plus the values that make two matches "the same thing". */
  dedupKey: string;
  /** Event time of the earliest and latest evidence, ISO 8601 UTC. */
  firstSeen: string;
  lastSeen: string;
  /** Distinct matching result rows merged into this alert. */
  count: number;
  /** The matching rows, the first EVIDENCE_CAP of them. */
  evidence: Record<string, unknown>[];
  /** Hashes of every row merged so far (capped), so re-running a cycle never counts a row twice. */
  evidenceHashes: string[];
  createdAt: string;
  updatedAt: string;
  history: AlertHistoryEntry[];
}

export const EVIDENCE_CAP = 50;
export const EVIDENCE_HASH_CAP = 5_000;

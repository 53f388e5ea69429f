import type { EntityKind } from '../model.js';

/** Something an alert is about (see ../entities.ts for how they are found). */
export interface Entity {
  kind: EntityKind;
  value: string;
}

export interface ThreatIntel {
  abuseipdb?: {
    abuseConfidenceScore: number;
    totalReports: number;
    countryCode: string | null;
    isp: string | null;
    usageType: string | null;
    lastReportedAt: string | null;
  };
  virustotal?: {
    malicious: number;
    suspicious: number;
    harmless: number;
    undetected: number;
    reputation: number;
    asOwner: string | null;
  };
}

export interface EntityHistory {
  entity: Entity;
  table: string;
  firstSeen: string | null;
  lastSeen: string | null;
  events: number;
}

export interface RelatedAlert {
  id: string;
  title: string;
  severity: string;
  status: string;
  lastSeen: string;
  /** The entity the two alerts share. */
  via: Entity;
}

/** The 5W1H of an alert and what to do next. */
export interface AlertSummary {
  who: string;
  what: string;
  when: string;
  where: string;
  why: string;
  how: string;
  actions: string[];
  source: 'llm' | 'template';
}

/** What enrichment found out about one alert, stored beside it (the alert itself is not changed). */
export interface Enrichment {
  alertId: string;
  computedAt: string;
  entities: Entity[];
  /** ISO 3166 alpha-2 country per public IP address. */
  geo: Record<string, { country: string; name?: string }>;
  threatIntel: Record<string, ThreatIntel>;
  related: RelatedAlert[];
  history: EntityHistory[];
  summary: AlertSummary;
  /** Parts that could not be computed, and why (a provider down, a rate limit reached). */
  notes: string[];
}

import type { Enrichment } from '../enrichment/types.js';
import type { Alert } from '../model.js';
import type { DeliveryEvent } from './types.js';

/** What the alert looks like outside: everything but dedup bookkeeping. */
export function publicAlert(alert: Alert): Omit<Alert, 'evidenceHashes'> {
  const { evidenceHashes: _hashes, ...rest } = alert;
  return rest;
}

export function headline(alert: Alert, event: DeliveryEvent): string {
  const prefix = event === 'escalate' ? 'ESCALATED ' : event === 'resolve' ? 'RESOLVED ' : '';
  return `${prefix}[${alert.severity.toUpperCase()}] ${alert.title}`;
}

/** The facts every destination shows, in one order. */
export function facts(alert: Alert): [string, string][] {
  const out: [string, string][] = [
    ['Severity', alert.severity],
    ['Rule', `${alert.ruleName} (${alert.ruleId})`],
    ['Status', alert.status],
    ['First seen', alert.firstSeen],
    ['Last seen', alert.lastSeen],
    ['Matches', String(alert.count)],
  ];
  if (alert.mitreAttack.length) out.push(['MITRE ATT&CK', alert.mitreAttack.join(', ')]);
  if (alert.tags.length) out.push(['Tags', alert.tags.join(', ')]);
  out.push(['Alert id', alert.id]);
  return out;
}

/** Enrichment as short lines of text (summary first), for destinations that show prose. */
export function enrichmentLines(e: Enrichment | undefined): string[] {
  if (!e) return [];
  const s = e.summary;
  const lines = [
    `Who: ${s.who}`,
    `What: ${s.what}`,
    `When: ${s.when}`,
    `Where: ${s.where}`,
    `Why: ${s.why}`,
    `How: ${s.how}`,
  ];
  for (const [ip, geo] of Object.entries(e.geo)) lines.push(`${ip}: ${geo.name ?? geo.country}`);
  for (const [ip, ti] of Object.entries(e.threatIntel)) {
    if (ti.abuseipdb) lines.push(`${ip}: AbuseIPDB confidence ${ti.abuseipdb.abuseConfidenceScore}%`);
    if (ti.virustotal) lines.push(`${ip}: VirusTotal ${ti.virustotal.malicious} malicious`);
  }
  if (e.related.length) lines.push(`Related alerts (24 h): ${e.related.map((r) => r.id).join(', ')}`);
  return lines;
}

export function recommendedActions(e: Enrichment | undefined): string[] {
  return e?.summary.actions ?? [];
}

/** Evidence rows as pretty JSON, cut to `max` characters so one alert never exceeds a service's limit. */
export function evidenceText(alert: Alert, max: number): string {
  const text = JSON.stringify(alert.evidence.slice(0, 5), null, 2);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

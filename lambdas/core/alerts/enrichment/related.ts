import type { Alert } from '../model.js';
import type { AlertStore } from '../store.js';
import type { Entity, RelatedAlert } from './types.js';

const DAY_MS = 86_400_000;

/** Other alerts about the same entities, last seen within 24 hours before this one's last sighting. */
export async function relatedAlerts(
  store: AlertStore,
  alert: Alert,
  entities: readonly Entity[],
  limit = 20,
): Promise<RelatedAlert[]> {
  const since = new Date(Date.parse(alert.lastSeen) - DAY_MS).toISOString();
  const found = new Map<string, RelatedAlert>();
  for (const entity of entities) {
    for (const other of await store.list({ entity: entity.value, since, limit })) {
      if (other.id === alert.id || found.has(other.id)) continue;
      if (!(other.entities[entity.kind] ?? []).includes(entity.value)) continue;
      found.set(other.id, {
        id: other.id,
        title: other.title,
        severity: other.severity,
        status: other.status,
        lastSeen: other.lastSeen,
        via: entity,
      });
    }
  }
  return [...found.values()].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : -1)).slice(0, limit);
}

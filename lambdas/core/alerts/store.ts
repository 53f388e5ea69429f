import type { StateStore } from '../ports/state-store.js';
import { ALERT_STATUSES, type Alert, type AlertStatus } from './model.js';

const PK = 'alert';

export class AlertNotFoundError extends Error {
  override readonly name = 'AlertNotFoundError';
}

export interface AlertFilter {
  status?: AlertStatus;
  severity?: string;
  ruleId?: string;
  limit?: number;
}

/** Alerts in the state store, one item each, written with optimistic concurrency. */
export class AlertStore {
  constructor(private readonly state: StateStore) {}

  async get(id: string): Promise<Alert | undefined> {
    return (await this.state.get<Alert>(PK, id))?.value;
  }

  async getVersioned(id: string): Promise<{ alert: Alert; version: number } | undefined> {
    const item = await this.state.get<Alert>(PK, id);
    return item ? { alert: item.value, version: item.version } : undefined;
  }

  /** False when an alert with this id exists already. */
  async create(alert: Alert): Promise<boolean> {
    return this.state.put(PK, alert.id, alert, { ifNotExists: true });
  }

  /** False when someone else changed the alert since `version` was read. */
  async replace(alert: Alert, version: number): Promise<boolean> {
    return this.state.put(PK, alert.id, alert, { ifVersion: version });
  }

  /** Newest first (by last seen). */
  async list(filter: AlertFilter = {}): Promise<Alert[]> {
    const all = (await this.state.query<Alert>(PK)).map((i) => i.value);
    return all
      .filter((a) => !filter.status || a.status === filter.status)
      .filter((a) => !filter.severity || a.severity === filter.severity)
      .filter((a) => !filter.ruleId || a.ruleId === filter.ruleId)
      .sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : a.id < b.id ? -1 : 1))
      .slice(0, filter.limit ?? 1_000);
  }

  /** Sets the status, recording who changed it; retried on a concurrent write. */
  async setStatus(id: string, status: AlertStatus, by: string, now: Date): Promise<Alert> {
    if (!ALERT_STATUSES.includes(status)) throw new Error(`invalid status ${status}`);
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.getVersioned(id);
      if (!current) throw new AlertNotFoundError(`no alert with id ${id}`);
      const { alert, version } = current;
      if (alert.status === status) return alert;
      const updated: Alert = {
        ...alert,
        status,
        updatedAt: now.toISOString(),
        history: [
          ...alert.history,
          { at: now.toISOString(), action: 'status', by, from: alert.status, to: status },
        ],
      };
      if (await this.replace(updated, version)) return updated;
    }
    throw new Error(`alert ${id} kept changing while its status was being set; try again`);
  }
}

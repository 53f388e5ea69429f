import type { StateStore } from '../ports/state-store.js';
import { ALERT_STATUSES, type Alert, type AlertStatus, ENTITY_KINDS, normaliseAlert } from './model.js';
import { type Suppression, SuppressionStore } from './suppressions.js';

const PK = {
  alert: 'alert',
  /** `<dedup key>#<alert id>`: every alert raised for a dedup key, so merging never scans every alert. */
  byKey: 'alert-key',
  /** Alerts changed since the alerts table was last appended to (see lake-table.ts). */
  lake: 'alert-lake',
  /**
   * `<last seen>#<alert id>`: every alert in list order, so a page reads the alerts it returns and
   * not every alert (DynamoDB has no other way to sort them). Bookkeeping of this store's own, under
   * `meta` (`alert-seen-index`), says when the index of a store written before it was built.
   */
  seen: 'alert-seen',
  meta: 'alert-meta',
} as const;

const SEEN_INDEX_BUILT = 'alert-seen-index';

/** An alert's place in list order: newest last seen first (as an ISO instant), then id descending. */
export function seenKey(lastSeen: string, id: string): string {
  const ms = Date.parse(lastSeen);
  return `${Number.isNaN(ms) ? lastSeen : new Date(ms).toISOString()}#${id}`;
}

export class AlertNotFoundError extends Error {
  override readonly name = 'AlertNotFoundError';
}

export interface AlertFilter {
  status?: AlertStatus;
  severity?: string;
  ruleId?: string;
  assignee?: string;
  /** An entity value of any kind (user, ip, host, account, resource). */
  entity?: string;
  /** Only alerts last seen at or after this ISO time. */
  since?: string;
  limit?: number;
}

export interface AlertPage {
  alerts: Alert[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** Newest first by last seen, then by id (descending, as the index reads), so pages never overlap or skip. */
function compare(a: Alert, b: Alert): number {
  const ka = seenKey(a.lastSeen, a.id);
  const kb = seenKey(b.lastSeen, b.id);
  return ka < kb ? 1 : ka > kb ? -1 : 0;
}

export function encodeCursor(alert: Alert): string {
  return Buffer.from(JSON.stringify([alert.lastSeen, alert.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { lastSeen: string; id: string } | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { lastSeen: value[0], id: value[1] };
    }
  } catch {
    // Falls through: not a cursor this store issued.
  }
  return undefined;
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** Alerts in the state store, one item each, written with optimistic concurrency. */
export class AlertStore {
  readonly suppressions: SuppressionStore;
  private seenIndexBuilt = false;

  constructor(private readonly state: StateStore) {
    this.suppressions = new SuppressionStore(state);
  }

  async get(id: string): Promise<Alert | undefined> {
    const item = await this.state.get<Alert>(PK.alert, id);
    return item ? normaliseAlert(item.value) : undefined;
  }

  async getVersioned(id: string): Promise<{ alert: Alert; version: number } | undefined> {
    const item = await this.state.get<Alert>(PK.alert, id);
    return item ? { alert: normaliseAlert(item.value), version: item.version } : undefined;
  }

  /** Every alert raised for a dedup key, newest last seen first. */
  async forDedupKey(dedupKey: string): Promise<{ alert: Alert; version: number }[]> {
    const keys = await this.state.query<{ id: string }>(PK.byKey, { prefix: `${dedupKey}#` });
    const found = await Promise.all(keys.map((k) => this.getVersioned(k.value.id)));
    return found
      .filter((f): f is { alert: Alert; version: number } => f !== undefined)
      .sort((a, b) => compare(a.alert, b.alert));
  }

  /** False when an alert with this id exists already. */
  async create(alert: Alert): Promise<boolean> {
    // The lake marker goes first: an alert is never stored without being bound for the alerts table.
    await this.state.put(PK.lake, alert.id, { id: alert.id });
    // Indexed before it is stored, so a stored alert is never missing from the list.
    await this.state.put(PK.seen, seenKey(alert.lastSeen, alert.id), { id: alert.id });
    const created = await this.state.put(PK.alert, alert.id, alert, { ifNotExists: true });
    // Indexed either way: an earlier run may have stored the alert and died before indexing it.
    await this.state.put(PK.byKey, `${alert.dedupKey}#${alert.id}`, { id: alert.id });
    return created;
  }

  /**
   * False when someone else changed the alert since `version` was read. `previous` is the alert as
   * read at that version: when the last seen moved, its old place in the list index is removed.
   */
  async replace(alert: Alert, version: number, previous: Alert): Promise<boolean> {
    await this.state.put(PK.lake, alert.id, { id: alert.id });
    const key = seenKey(alert.lastSeen, alert.id);
    const oldKey = seenKey(previous.lastSeen, previous.id);
    if (key !== oldKey) await this.state.put(PK.seen, key, { id: alert.id });
    const stored = await this.state.put(PK.alert, alert.id, alert, { ifVersion: version });
    if (stored && key !== oldKey) await this.state.delete(PK.seen, oldKey);
    return stored;
  }

  /** Alert ids changed since the alerts table was last appended to, oldest key first. */
  async lakePending(limit = 5_000): Promise<string[]> {
    return (await this.state.query<{ id: string }>(PK.lake, { limit })).map((i) => i.sk);
  }

  async lakeDone(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.state.delete(PK.lake, id);
  }

  /**
   * Every stored alert, in one read of the alert partition (no order): for background passes that
   * look at all of them anyway (routing, resolutions), where reading through the list index would
   * cost one request per alert instead.
   */
  async all(): Promise<Alert[]> {
    return (await this.state.query<Alert>(PK.alert)).map((i) => normaliseAlert(i.value));
  }

  /** Newest first (by last seen). */
  async list(filter: AlertFilter = {}): Promise<Alert[]> {
    return (await this.page(filter)).alerts;
  }

  /**
   * One page of alerts matching the filter, newest first, continuing after `cursor`. Reads the list
   * index newest first and each alert it names until the page is full, so an unfiltered page (or
   * one filtered by `since`) costs about its own size however many alerts are stored; other filters
   * read on until enough alerts match.
   */
  async page(filter: AlertFilter = {}, cursor?: string): Promise<AlertPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !after) throw new InvalidCursorError('cursor is not one this API issued');
    const limit = filter.limit ?? 1_000;
    await this.buildSeenIndex();
    const since = filter.since === undefined ? undefined : seenKey(filter.since, '');
    const batch = Math.min(Math.max(limit + 1, 25), 500);
    const out: Alert[] = [];
    let before = after ? seenKey(after.lastSeen, after.id) : undefined;
    for (;;) {
      const entries = await this.state.query<{ id: string }>(PK.seen, {
        reverse: true,
        limit: batch,
        ...(before === undefined ? {} : { before }),
      });
      // Entries are newest first: past `since`, nothing further can match.
      const recent = since === undefined ? entries : entries.filter((e) => e.sk >= since);
      const alerts = await Promise.all(recent.map((e) => this.get(e.value.id)));
      for (const [i, entry] of recent.entries()) {
        const alert = alerts[i];
        if (!alert) continue;
        // An entry that is not the alert's place (a merge that died before removing the old one, or
        // a write that lost its race) is skipped: the alert is listed once, at its own entry.
        if (seenKey(alert.lastSeen, alert.id) !== entry.sk) continue;
        if (matches(alert, filter)) out.push(alert);
        if (out.length > limit) return pageOf(out, limit);
      }
      if (recent.length < batch) return pageOf(out, limit);
      before = entries.at(-1)?.sk;
    }
  }

  /**
   * Stores written before the list index existed get it once: every alert indexed, then the marker.
   * Alerts created meanwhile index themselves, so nothing is missed.
   */
  private async buildSeenIndex(): Promise<void> {
    if (this.seenIndexBuilt) return;
    if (!(await this.state.get(PK.meta, SEEN_INDEX_BUILT))) {
      for (const alert of await this.all()) {
        await this.state.put(PK.seen, seenKey(alert.lastSeen, alert.id), { id: alert.id });
      }
      await this.state.put(PK.meta, SEEN_INDEX_BUILT, { builtAt: new Date().toISOString() });
    }
    this.seenIndexBuilt = true;
  }

  /** Applies `change` to the current alert and stores it; retried on a concurrent write. */
  private async update(id: string, change: (alert: Alert) => Alert | undefined): Promise<Alert> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.getVersioned(id);
      if (!current) throw new AlertNotFoundError(`no alert with id ${id}`);
      const updated = change(current.alert);
      if (!updated) return current.alert;
      if (await this.replace(updated, current.version, current.alert)) return updated;
    }
    throw new Error(`alert ${id} kept changing while being updated; try again`);
  }

  /** Sets the status, recording who changed it. */
  async setStatus(id: string, status: AlertStatus, by: string, now: Date): Promise<Alert> {
    if (!ALERT_STATUSES.includes(status)) throw new Error(`invalid status ${status}`);
    const at = now.toISOString();
    return this.update(id, (alert) =>
      alert.status === status
        ? undefined
        : {
            ...alert,
            status,
            updatedAt: at,
            history: [...alert.history, { at, action: 'status', by, from: alert.status, to: status }],
          },
    );
  }

  /** Assigns the alert to someone, or unassigns it with null. */
  async assign(id: string, assignee: string | null, by: string, now: Date): Promise<Alert> {
    const at = now.toISOString();
    return this.update(id, (alert) => {
      if ((alert.assignee ?? null) === assignee) return undefined;
      const { assignee: previous, ...rest } = alert;
      const entry = { at, action: 'assigned' as const, by, ...(previous ? { from: previous } : {}) };
      return {
        ...rest,
        ...(assignee === null ? {} : { assignee }),
        updatedAt: at,
        history: [...alert.history, assignee === null ? entry : { ...entry, to: assignee }],
      };
    });
  }

  async addNote(id: string, text: string, by: string, now: Date): Promise<Alert> {
    const at = now.toISOString();
    return this.update(id, (alert) => ({
      ...alert,
      notes: [...alert.notes, { at, by, text }],
      updatedAt: at,
      history: [...alert.history, { at, action: 'note', by }],
    }));
  }

  /**
   * Marks the alert a false positive and creates a suppression for its rule, scoped to the given
   * entity kinds (each taking the alert's first value of that kind), lapsing after `ttlMs`.
   */
  async markFalsePositive(
    id: string,
    opts: { by: string; now: Date; ttlMs: number; scope: readonly string[]; reason?: string },
  ): Promise<{ alert: Alert; suppression: Suppression }> {
    const current = await this.get(id);
    if (!current) throw new AlertNotFoundError(`no alert with id ${id}`);
    const entities: Suppression['entities'] = {};
    for (const kind of ENTITY_KINDS) {
      const value = current.entities[kind]?.[0];
      if (opts.scope.includes(kind) && value !== undefined) entities[kind] = value;
    }
    const suppression = await this.suppressions.create(
      {
        ruleId: current.ruleId,
        entities,
        reason: opts.reason ?? `marked a false positive from alert ${id}`,
        createdBy: opts.by,
        alertId: id,
        ttlMs: opts.ttlMs,
      },
      opts.now,
    );
    const at = opts.now.toISOString();
    const alert = await this.update(id, (a) => ({
      ...a,
      status: 'false-positive',
      updatedAt: at,
      history: [
        ...a.history,
        ...(a.status === 'false-positive'
          ? []
          : [{ at, action: 'status' as const, by: opts.by, from: a.status, to: 'false-positive' }]),
        { at, action: 'suppression-created' as const, by: opts.by, to: suppression.id },
      ],
    }));
    return { alert, suppression };
  }
}

function matches(a: Alert, filter: AlertFilter): boolean {
  return (
    (!filter.status || a.status === filter.status) &&
    (!filter.severity || a.severity === filter.severity) &&
    (!filter.ruleId || a.ruleId === filter.ruleId) &&
    (!filter.assignee || a.assignee === filter.assignee) &&
    (!filter.entity || ENTITY_KINDS.some((k) => (a.entities[k] ?? []).includes(filter.entity as string)))
  );
}

/** `found` holds up to limit + 1 alerts in list order: one more than the page says there is a next. */
function pageOf(found: Alert[], limit: number): AlertPage {
  const alerts = found.slice(0, limit);
  const last = alerts.at(-1);
  return found.length > limit && last ? { alerts, nextCursor: encodeCursor(last) } : { alerts };
}

import type { TableRow } from '../sources/types.js';
import { countryCode } from './country.js';
import {
  IDENTITY_EVENT_TYPES,
  IDENTITY_OUTCOMES,
  type IdentityEventType,
  type IdentityOutcome,
  identityEventsSchema,
} from './schema.js';

/** The source-table row an identity event is derived from: its time, id and provenance. */
export interface SourceRowRef {
  ts: Date;
  event_id: string;
  ingest_ts: Date;
  source_object: string;
}

/**
 * What happened, in the provider-neutral vocabulary of `identity_events`. `user` is the account the
 * event is about (the one signing in, or the one whose password or privileges changed); `actor` is
 * who did it when that was someone else (the admin granting a role). Both are canonicalised.
 */
export interface IdentityActivity {
  provider: string;
  eventType: IdentityEventType;
  outcome: IdentityOutcome;
  user?: string | null | undefined;
  userId?: string | null | undefined;
  sourceIp?: string | null | undefined;
  userAgent?: string | null | undefined;
  device?: string | null | undefined;
  country?: string | null | undefined;
  city?: string | null | undefined;
  sessionId?: string | null | undefined;
  reason?: string | null | undefined;
  mfaMethod?: string | null | undefined;
  target?: string | null | undefined;
  actor?: string | null | undefined;
}

const EVENT_TYPES = new Set<string>(IDENTITY_EVENT_TYPES);
const OUTCOMES = new Set<string>(IDENTITY_OUTCOMES);

function text(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const t = value.trim();
  return t === '' ? null : t;
}

/**
 * The canonical form of a user name across providers, so one person's Okta, Entra ID and Google
 * sign-ins group together: an email address or UPN is lower-cased (both are case-insensitive);
 * anything else (an AWS user name, a service principal id) is kept as the provider spells it.
 */
export function canonicalUser(value: string | null | undefined): string | null {
  const t = text(value);
  if (t === null) return null;
  return /^[^@\s]+@[^@\s]+$/.test(t) ? t.toLowerCase() : t;
}

/**
 * A client address without the port some providers append (M365: `1.2.3.4:5678`,
 * `[2001:db8::1]:443`), so the same client compares equal across sources.
 */
export function clientIp(value: string | null | undefined): string | null {
  const t = text(value);
  if (t === null) return null;
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d+)?$/i.exec(t);
  if (bracketed) return (bracketed[1] as string).toLowerCase();
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(t);
  if (v4port) return v4port[1] as string;
  return /^[0-9a-f:.]+$/i.test(t) && t.includes(':') ? t.toLowerCase() : t;
}

/**
 * One `identity_events` row derived from a source row. Its event_id is the provider and the source
 * row's event_id (plus `part` when one record yields several identity events), so re-ingesting the
 * record replaces the row rather than adding one.
 */
export function identityRow(
  from: SourceRowRef,
  activity: IdentityActivity,
  part?: string | number,
): TableRow {
  // Programming errors, not bad input: a source mapping to a type outside the vocabulary is a bug.
  if (!EVENT_TYPES.has(activity.eventType))
    throw new Error(`unknown identity event type ${activity.eventType}`);
  if (!OUTCOMES.has(activity.outcome)) throw new Error(`unknown identity outcome ${activity.outcome}`);
  const row: Record<string, unknown> = {
    provider: activity.provider,
    event_type: activity.eventType,
    outcome: activity.outcome,
    user_name: canonicalUser(activity.user),
    user_id: text(activity.userId),
    source_ip: clientIp(activity.sourceIp),
    user_agent: text(activity.userAgent),
    device: text(activity.device),
    country: countryCode(activity.country),
    city: text(activity.city),
    session_id: text(activity.sessionId),
    reason: text(activity.reason),
    mfa_method: text(activity.mfaMethod),
    target: text(activity.target),
    actor_name: canonicalUser(activity.actor),
    raw_event_id: from.event_id,
    ts: from.ts,
    event_id: `${activity.provider}:${from.event_id}${part === undefined ? '' : `#${part}`}`,
    ingest_ts: from.ingest_ts,
    source_object: from.source_object,
  };
  return { table: identityEventsSchema.name, row };
}

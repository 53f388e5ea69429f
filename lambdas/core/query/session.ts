import { createHash } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { StateStore } from '../ports/state-store.js';
import type { SessionTurn } from './translator.js';

export interface Session {
  id: string;
  /** The principal that started it: nobody else can read or continue it. */
  owner: string;
  turns: SessionTurn[];
}

/** Turns kept per session: enough context for follow-ups, bounded prompt size. */
const MAX_TURNS = 10;

export const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** Conversations in the state store, gone `ttlSeconds` after their last question. */
export class SessionStore {
  constructor(
    private readonly state: StateStore,
    private readonly clock: Clock,
    private readonly ttlSeconds = 12 * 3600,
  ) {}

  async load(id: string, owner: string): Promise<Session | undefined> {
    const item = await this.state.get<Session>(`nl-session#${id}`, 'session');
    if (!item || item.value.owner !== owner) return undefined;
    return item.value;
  }

  async save(session: Session): Promise<void> {
    const value = { ...session, turns: session.turns.slice(-MAX_TURNS) };
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + this.ttlSeconds;
    await this.state.put(`nl-session#${session.id}`, 'session', value, { expiresAt });
  }
}

/**
 * Question + catalog version + session context -> translation. Answers carry literal time bounds
 * computed from the current time, so the minute is part of the key: a repeated question reuses
 * its SQL within the minute, never a stale time range.
 */
export class TranslationCache {
  constructor(
    private readonly state: StateStore,
    private readonly clock: Clock,
    private readonly ttlSeconds = 3600,
  ) {}

  key(parts: {
    translator: string;
    question: string;
    catalogVersion: string;
    context: readonly string[];
  }): string {
    const minute = Math.floor(this.clock.now().getTime() / 60_000);
    const normalised = parts.question.trim().toLowerCase().replace(/\s+/g, ' ');
    return createHash('sha256')
      .update(JSON.stringify([parts.translator, normalised, parts.catalogVersion, parts.context, minute]))
      .digest('hex');
  }

  async get<T>(key: string): Promise<T | undefined> {
    return (await this.state.get<T>('nl-cache', key))?.value;
  }

  async put<T>(key: string, value: T): Promise<void> {
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + this.ttlSeconds;
    await this.state.put('nl-cache', key, value, { expiresAt });
  }
}

import { describe, expect, it } from 'vitest';
import { contentId, pick, pickText } from '../../lambdas/core/identity/record.js';
import { canonicalUser, clientIp, identityRow } from '../../lambdas/core/identity/rows.js';
import { identityEventsSchema } from '../../lambdas/core/identity/schema.js';

const ref = {
  ts: new Date('2026-11-20T10:00:00Z'),
  event_id: 'evt-1',
  ingest_ts: new Date('2026-11-21T08:00:00Z'),
  source_object: 'okta/x.json',
};

describe('identityRow', () => {
  it('builds a full identity_events row with canonical user and actor, and an id that names the provider', () => {
    const { table, row } = identityRow(ref, {
      provider: 'okta',
      eventType: 'privilege_change',
      outcome: 'success',
      user: ' James.Chen@Northwind-Labs.com ',
      actor: 'DANIEL.KIM@northwind-labs.com',
      sourceIp: '91.132.147.18',
      target: 'Super administrator',
      reason: '',
    });
    expect(table).toBe('identity_events');
    expect(row).toEqual({
      provider: 'okta',
      event_type: 'privilege_change',
      outcome: 'success',
      user_name: 'james.chen@northwind-labs.com',
      user_id: null,
      source_ip: '91.132.147.18',
      user_agent: null,
      device: null,
      country: null,
      city: null,
      session_id: null,
      reason: null,
      mfa_method: null,
      target: 'Super administrator',
      actor_name: 'daniel.kim@northwind-labs.com',
      raw_event_id: 'evt-1',
      ts: ref.ts,
      event_id: 'okta:evt-1',
      ingest_ts: ref.ingest_ts,
      source_object: 'okta/x.json',
    });
    // Every column of the table, and nothing else.
    expect(Object.keys(row).sort()).toEqual(identityEventsSchema.columns.map((c) => c.name).sort());
  });

  it('suffixes the id with the part when one record yields several identity events', () => {
    const a = identityRow(ref, { provider: 'google_workspace', eventType: 'login', outcome: 'success' }, 0);
    const b = identityRow(ref, { provider: 'google_workspace', eventType: 'login', outcome: 'unknown' }, 1);
    expect([a.row.event_id, b.row.event_id]).toEqual([
      'google_workspace:evt-1#0',
      'google_workspace:evt-1#1',
    ]);
  });

  it('refuses event types and outcomes outside the vocabulary (a bug in a source, not bad input)', () => {
    const bad = { provider: 'x', eventType: 'signin', outcome: 'success' } as unknown as Parameters<
      typeof identityRow
    >[1];
    expect(() => identityRow(ref, bad)).toThrow('unknown identity event type signin');
    const worse = { provider: 'x', eventType: 'login', outcome: 'ok' } as unknown as Parameters<
      typeof identityRow
    >[1];
    expect(() => identityRow(ref, worse)).toThrow('unknown identity outcome ok');
  });
});

describe('canonicalUser and clientIp', () => {
  it('lower-cases emails and UPNs only', () => {
    expect(canonicalUser('Maria.Garcia@Northwind-Labs.com')).toBe('maria.garcia@northwind-labs.com');
    expect(canonicalUser('AIDAEXAMPLE')).toBe('AIDAEXAMPLE');
    expect(canonicalUser('NORTHWIND\\Maria')).toBe('NORTHWIND\\Maria');
    expect(canonicalUser('   ')).toBeNull();
    expect(canonicalUser(undefined)).toBeNull();
  });

  it('drops ports and brackets providers add to addresses', () => {
    expect(clientIp('91.132.147.18:51234')).toBe('91.132.147.18');
    expect(clientIp('[2A01:110:8068:7::5F1F]:36185')).toBe('2a01:110:8068:7::5f1f');
    expect(clientIp('2A01:110::1')).toBe('2a01:110::1');
    expect(clientIp('198.51.100.7')).toBe('198.51.100.7');
    expect(clientIp('AWS Internal')).toBe('AWS Internal');
    expect(clientIp('')).toBeNull();
  });
});

describe('record helpers', () => {
  it('reads nested fields whatever the key case', () => {
    const r = { Actor: { AlternateId: 'a@b.c' }, outcome: { result: 'SUCCESS' }, n: 3 };
    expect(pickText(r, 'actor', 'alternateId')).toBe('a@b.c');
    expect(pickText(r, 'OUTCOME', 'Result')).toBe('SUCCESS');
    expect(pickText(r, 'n')).toBe('3');
    expect(pick(r, 'actor', 'missing')).toBeUndefined();
    expect(pick(r, 'n', 'deeper')).toBeUndefined();
  });

  it('gives the same content id to the same record whatever its key order, and another to any change', () => {
    const a = contentId({ b: 1, a: { y: [1, 2], x: null } });
    expect(a).toBe(contentId({ a: { x: null, y: [1, 2] }, b: 1 }));
    expect(a).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(contentId({ b: 1, a: { y: [2, 1], x: null } })).not.toBe(a);
  });
});

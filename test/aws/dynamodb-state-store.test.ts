import { afterAll, beforeAll, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../lambdas/adapters/aws/dynamodb-state-store.js';
import { stateStoreConformance } from '../conformance/state-store.js';
import { type DynamoPeer, startDynamo } from './peers.js';

let peer: DynamoPeer;
let n = 0;
beforeAll(async () => {
  peer = await startDynamo();
});
afterAll(async () => {
  await peer.close();
});

stateStoreConformance('DynamoDB (dynalite)', async () => {
  const table = `state-${++n}`;
  await peer.createStateTable(table);
  let now = 0;
  // A page of 2 makes every query in the suite cross page boundaries.
  const store = new DynamoDbStateStore({ client: peer.client, table, pageSize: 2, nowSeconds: () => now });
  return {
    store,
    setNow: (s) => {
      now = s;
    },
    cleanup: async () => {},
  };
});

it('reads past many pages, combines prefix with after, and skips expired items the table still holds', async () => {
  await peer.createStateTable('state-pages');
  let now = 100;
  const store = new DynamoDbStateStore({
    client: peer.client,
    table: 'state-pages',
    pageSize: 3,
    nowSeconds: () => now,
  });
  for (let i = 0; i < 25; i++) {
    await store.put('p', `k#${String(i).padStart(2, '0')}`, i, i % 5 === 0 ? { expiresAt: 150 } : {});
  }
  await store.put('p', 'z', 'outside the prefix');
  now = 200;
  const keys = (await store.query<number>('p', { prefix: 'k#' })).map((i) => i.value);
  expect(keys).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19, 21, 22, 23, 24]);
  expect(
    (await store.query<number>('p', { prefix: 'k#', after: 'k#20', limit: 2 })).map((i) => i.sk),
  ).toEqual(['k#21', 'k#22']);
  expect(
    (await store.query<number>('p', { prefix: 'k#', after: 'a', reverse: true, limit: 3 })).map((i) => i.sk),
  ).toEqual(['k#24', 'k#23', 'k#22']);
  // Expired but not yet deleted by TTL: a conditional create replaces it, starting again at version 1.
  expect(await store.put('p', 'k#05', 'new', { ifNotExists: true })).toBe(true);
  expect(await store.get('p', 'k#05')).toEqual({ pk: 'p', sk: 'k#05', value: 'new', version: 1 });
});

it('names the table and key when DynamoDB refuses a request', async () => {
  const store = new DynamoDbStateStore({ client: peer.client, table: 'no-such-table' });
  await expect(store.get('alert', 'a1')).rejects.toThrow(
    /^DynamoDB get on no-such-table alert\/a1 failed: ResourceNotFoundException/,
  );
});

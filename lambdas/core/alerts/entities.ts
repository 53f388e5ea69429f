import { ENTITY_CAP, ENTITY_KINDS, type Entities, type EntityKind } from './model.js';

/**
 * Where each kind of entity is found in an evidence row, most specific first. Rows are either
 * events as the lake stores them (CloudTrail's lower-cased fields, `identity_events`' canonical
 * columns) or a SQL rule's result row, whose authors name columns by convention (`user_name`,
 * `ip`, `account_id`...). The first path of a kind that holds a value wins for that row, so a row
 * gives at most one value per kind.
 */
const CONVENTIONS: Record<EntityKind, readonly string[]> = {
  user: [
    'user_name',
    'username',
    'user',
    'actor',
    'principal',
    'useridentity.username',
    'useridentity.sessioncontext.sessionissuer.username',
    'useridentity.arn',
  ],
  ip: ['ip', 'source_ip', 'src_ip', 'client_ip', 'sourceipaddress'],
  host: ['host', 'hostname', 'host_name', 'device'],
  account: ['account_id', 'account', 'recipientaccountid', 'useridentity.accountid'],
  resource: ['resource', 'resource_arn', 'target', 'resources.arn'],
};

/** A key of the record, exactly or, as query results keep their author's case, case-insensitively. */
function keyOf(record: Record<string, unknown>, name: string): string | undefined {
  if (name in record) return name;
  const lower = name.toLowerCase();
  return Object.keys(record).find((k) => k.toLowerCase() === lower);
}

/**
 * The value at a dotted path; lists (CloudTrail's `resources`) give every element's value. A column
 * named with the whole dotted path (a correlation's `userIdentity.arn` group-by column) wins.
 */
export function valuesAt(row: unknown, path: string): string[] {
  if (row === null || typeof row !== 'object') return [];
  const record = row as Record<string, unknown>;
  const whole = path.includes('.') ? keyOf(record, path) : undefined;
  if (whole !== undefined) return scalarText(record[whole]);
  const [head, ...rest] = path.split('.');
  const key = keyOf(record, head ?? '');
  const value = key === undefined ? undefined : record[key];
  if (rest.length === 0) return scalarText(value);
  if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, rest.join('.')));
  return valuesAt(value, rest.join('.'));
}

function scalarText(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value];
  if (typeof value === 'number' || typeof value === 'bigint') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(scalarText);
  return [];
}

// A CloudTrail sourceIPAddress is a service name when AWS itself made the call; that is not an address.
const IP_LIKE = /^[0-9a-f:.]+$/i;

/** The entities of one row. */
export function entitiesOf(row: Record<string, unknown>): Entities {
  const out: Entities = {};
  for (const kind of ENTITY_KINDS) {
    for (const path of CONVENTIONS[kind]) {
      const values = valuesAt(row, path).filter((v) => kind !== 'ip' || IP_LIKE.test(v));
      if (values.length > 0) {
        out[kind] = [...new Set(values)];
        break;
      }
    }
  }
  return out;
}

/** Merges entity sets, keeping the first ENTITY_CAP distinct values of each kind. */
export function mergeEntities(...sets: Entities[]): Entities {
  const out: Entities = {};
  for (const kind of ENTITY_KINDS) {
    const values = new Set<string>();
    for (const set of sets) for (const v of set[kind] ?? []) if (values.size < ENTITY_CAP) values.add(v);
    if (values.size > 0) out[kind] = [...values];
  }
  return out;
}

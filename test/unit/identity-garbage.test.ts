import { describe, expect, it } from 'vitest';
import { azureActivity } from '../../lambdas/core/sources/azure_activity/index.js';
import { generateAzureActivityRecords } from '../../lambdas/core/sources/azure_activity/sample.js';
import { entraId } from '../../lambdas/core/sources/entra_id/index.js';
import { generateEntraRecords } from '../../lambdas/core/sources/entra_id/sample.js';
import { googleWorkspace } from '../../lambdas/core/sources/google_workspace/index.js';
import { generateGoogleWorkspaceActivities } from '../../lambdas/core/sources/google_workspace/sample.js';
import { m365 } from '../../lambdas/core/sources/m365/index.js';
import { generateM365Records } from '../../lambdas/core/sources/m365/sample.js';
import { okta } from '../../lambdas/core/sources/okta/index.js';
import { generateOktaEvents } from '../../lambdas/core/sources/okta/sample.js';
import { RecordError, type SourceModule } from '../../lambdas/core/sources/types.js';

const OPTS = { end: new Date('2026-11-21T07:00:00Z'), days: 1, seed: 3 };
const ODD_VALUES: unknown[] = [null, 42, -1.5, 'x', '', true, [], [1, 'a'], {}, { value: 3 }];
const ctx = { sourceObject: 'garbage', ingestTs: new Date('2026-11-21T08:00:00Z') };

/** Every path to a value in a record, up to three levels deep (arrays by index). */
function paths(value: unknown, prefix: (string | number)[] = [], depth = 0): (string | number)[][] {
  if (depth >= 3 || value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k], depth + 1))];
}

function replaced(record: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(record) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path.at(-1) as string | number] = value;
  return copy;
}

const CASES: [SourceModule, unknown[]][] = [
  [okta, generateOktaEvents(OPTS).slice(0, 4)],
  [
    entraId,
    [...generateEntraRecords(OPTS).signins.slice(0, 2), ...generateEntraRecords(OPTS).audits.slice(-2)],
  ],
  [azureActivity, generateAzureActivityRecords(OPTS).slice(-3)],
  [
    m365,
    generateM365Records(OPTS)
      .slice(0, 3)
      .map((r) => r.record),
  ],
  [googleWorkspace, generateGoogleWorkspaceActivities(OPTS).slice(0, 3)],
];

describe.each(CASES.map(([source, records]) => ({ name: source.name, source, records })))(
  '$name with any field replaced by an odd value',
  ({ source, records }) => {
    it('returns rows or throws a RecordError, and detect/unwrap never throw', () => {
      let tried = 0;
      let rejected = 0;
      for (const record of records) {
        expect(source.normalise(record, ctx).length).toBeGreaterThan(0);
        for (const path of paths(record)) {
          for (const odd of ODD_VALUES) {
            const bad = replaced(record, path, odd);
            tried += 1;
            expect(() => source.detect(bad)).not.toThrow();
            expect(() => source.unwrap(bad)).not.toThrow();
            try {
              for (const { row } of source.normalise(bad, ctx)) expect(row.ts).toBeInstanceOf(Date);
            } catch (err) {
              if (!(err instanceof RecordError))
                throw new Error(`${path.join('.')} = ${JSON.stringify(odd)}: ${String(err)}`);
              expect(err.message).not.toBe('');
              rejected += 1;
            }
          }
        }
      }
      // Both outcomes happen: the test would catch a parser that accepts or rejects everything.
      expect(tried).toBeGreaterThan(200);
      expect(rejected).toBeGreaterThan(10);
      expect(rejected).toBeLessThan(tried);
    });
  },
);

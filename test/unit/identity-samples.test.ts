import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { azureActivity } from '../../lambdas/core/sources/azure_activity/index.js';
import { entraId } from '../../lambdas/core/sources/entra_id/index.js';
import { googleWorkspace } from '../../lambdas/core/sources/google_workspace/index.js';
import { m365 } from '../../lambdas/core/sources/m365/index.js';
import { okta } from '../../lambdas/core/sources/okta/index.js';
import type { SampleFile, SourceModule } from '../../lambdas/core/sources/types.js';

const END = new Date('2026-11-21T07:00:00Z');
const HOUR = 3_600_000;

/** Every event time in a sample file, whatever the delivery shape. */
function times(file: SampleFile): number[] {
  const bytes = file.body[0] === 0x1f ? gunzipSync(file.body) : Buffer.from(file.body);
  const text = bytes.toString('utf8').trim();
  const docs: unknown[] =
    text.startsWith('[') || (text.startsWith('{"') && !text.includes('\n'))
      ? [JSON.parse(text)]
      : text.split('\n').map((l) => JSON.parse(l));
  const out: number[] = [];
  const visit = (r: Record<string, unknown>) => {
    const t =
      r.published ??
      r.time ??
      r.activityDateTime ??
      r.CreationTime ??
      (r.id as { time?: string } | undefined)?.time;
    if (typeof t === 'string') out.push(Date.parse(/Z$/.test(t) ? t : `${t}Z`));
  };
  for (const doc of docs) {
    const list = Array.isArray(doc)
      ? doc
      : ((doc as { value?: unknown[]; items?: unknown[] }).value ??
        (doc as { items?: unknown[] }).items ?? [doc]);
    for (const r of list) visit(r as Record<string, unknown>);
  }
  return out;
}

describe.each([okta, entraId, azureActivity, m365, googleWorkspace] as SourceModule[])(
  '$name sample',
  (source) => {
    it('is the same for the same seed, different for another, and ends shortly before opts.end', () => {
      const a = source.sample({ end: END, days: 2, seed: 5 });
      const b = source.sample({ end: END, days: 2, seed: 5 });
      const c = source.sample({ end: END, days: 2, seed: 6 });
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);
      const all = a.flatMap(times);
      expect(all.length).toBeGreaterThan(50);
      expect(Math.max(...all)).toBeLessThan(END.getTime());
      expect(Math.max(...all)).toBeGreaterThan(END.getTime() - 6.5 * HOUR);
      expect(Math.min(...all)).toBeGreaterThanOrEqual(END.getTime() - 2 * 24 * HOUR - HOUR);
      // Every file is named so the source claims it by key.
      expect(a.every((f) => source.keyPatterns.some((p) => p.test(f.path)))).toBe(true);
    });
  },
);

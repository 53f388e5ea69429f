import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { columnsTable, renderSourcesDoc, SOURCES_DOC } from '../../scripts/docs-sources.js';

describe('docs/sources.md', () => {
  it('has the column tables the schemas generate (run `npm run docs:sources` when this fails)', () => {
    const text = readFileSync(SOURCES_DOC, 'utf8');
    expect(renderSourcesDoc(text)).toBe(text);
  });

  it('documents every AWS source table', () => {
    const text = readFileSync(SOURCES_DOC, 'utf8');
    for (const table of [
      'cloudtrail',
      'vpcflow',
      'guardduty',
      'cloudwatch_logs',
      'securityhub',
      'identity_events',
    ]) {
      expect(text).toContain(`<!-- columns:${table} -->`);
    }
    expect(columnsTable('vpcflow').split('\n').slice(0, 5)).toEqual([
      'Table `vpcflow`: Amazon VPC Flow Logs, one row per flow record (versions 2 to 5, default or custom format).',
      '',
      '| column | type | description |',
      '|---|---|---|',
      '| `version` | bigint | Flow log format version (2 to 5). |',
    ]);
    expect(() => columnsTable('nope')).toThrow('docs/sources.md names table nope, which is not in TABLES');
  });
});

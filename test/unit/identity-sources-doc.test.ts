import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { azureActivity } from '../../lambdas/core/sources/azure_activity/index.js';
import { entraId } from '../../lambdas/core/sources/entra_id/index.js';
import { googleWorkspace } from '../../lambdas/core/sources/google_workspace/index.js';
import { m365 } from '../../lambdas/core/sources/m365/index.js';
import { okta } from '../../lambdas/core/sources/okta/index.js';
import { SOURCES_DOC } from '../../scripts/docs-sources.js';

describe('docs/sources.md for the identity sources', () => {
  it('has a section and a generated column table for every table they write', () => {
    const text = readFileSync(SOURCES_DOC, 'utf8');
    for (const source of [okta, entraId, azureActivity, m365, googleWorkspace]) {
      expect(text).toContain(`(\`${source.name}\`)`);
      for (const table of source.tables.filter((t) => t.name !== 'identity_events')) {
        expect(text).toContain(`<!-- columns:${table.name} -->\nTable \`${table.name}\``);
      }
    }
  });
});

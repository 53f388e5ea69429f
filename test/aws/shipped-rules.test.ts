import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect, it } from 'vitest';
import { SHIPPED_RULE_FILES } from '../../lambdas/handlers/shipped-rules.js';

const ROOT = 'rules';
const MODULE = 'lambdas/handlers/shipped-rules.ts';

/** Every rule file under rules/sql/ and rules/sigma/ (what the handlers load), as the bundles must carry them. */
function ruleFilesOnDisk(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/i.test(entry.name)) {
        out.push({ path: relative(ROOT, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(join(ROOT, 'sigma'));
  walk(join(ROOT, 'sql'));
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

function render(files: { path: string; text: string }[]): string {
  const entries = files.map(
    (f) => `  {\n    path: ${JSON.stringify(f.path)},\n    text: ${JSON.stringify(f.text)},\n  },\n`,
  );
  return `// Generated from rules/ by test/aws/shipped-rules.test.ts; do not edit. After changing a rule run:
//   UPDATE_SHIPPED_RULES=1 npx vitest run test/aws/shipped-rules.test.ts && npx biome format --write ${MODULE}
// Lambda bundles are single files, so the shipped rules travel inside them as this module.
export const SHIPPED_RULE_FILES: readonly { path: string; text: string }[] = [
${entries.join('')}];
`;
}

it('carries exactly the rule files under rules/ (regenerate with UPDATE_SHIPPED_RULES=1)', () => {
  const onDisk = ruleFilesOnDisk();
  if (process.env.UPDATE_SHIPPED_RULES === '1') writeFileSync(MODULE, render(onDisk));
  expect(onDisk.length).toBeGreaterThan(0);
  expect(
    SHIPPED_RULE_FILES.map((f) => ({ path: f.path, text: f.text })),
    `${MODULE} is stale: UPDATE_SHIPPED_RULES=1 npx vitest run test/aws/shipped-rules.test.ts`,
  ).toEqual(onDisk);
});

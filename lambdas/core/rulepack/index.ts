/** The rule pack's tooling: test events, lint checks, the test harness, imports and overrides. Pure. */
export { ATTACK_TACTICS, type AttackTactic, attackTags, CLOUD_TACTICS } from './attack.js';
export { CHECKS, type Check } from './checks/index.js';
export { columnNameProblem, resultColumnProblems, sqlRuleColumnProblems } from './columns.js';
export { type Finding, formatFinding } from './finding.js';
export { type HarnessDeps, type RuleTestResult, runRuleTests } from './harness.js';
export { type ImportDecision, type ImportPlan, planImport } from './importer.js';
export { type LintReport, lintFiles, lintPack } from './lint.js';
export { RULE_OVERRIDES_PK, type RuleOverride, RuleOverrides } from './overrides.js';
export { loadPack, type Pack, type PackEntry, type PackFile } from './pack.js';
export { checkRegex, nestedQuantifier, probeBacktracking } from './regex-safety.js';
export { type RuleTests, readTests } from './tests.js';

/**
 * The Sigma compiler: YAML -> typed rule (parse) -> condition tree over column expressions
 * (pipeline) -> SQL per dialect (backends) or an in-memory matcher. Pure: no fs, no database.
 */
export type { DialectName } from './backends/index.js';
export { DIALECTS } from './backends/index.js';
export { renderCondition } from './backends/sql.js';
export type { CompiledRule, CompileOptions } from './compile.js';
export { compileDetection } from './compile.js';
export {
  type ConvertOptions,
  type ConvertResult,
  compileMatchers,
  convertCollection,
  convertFolder,
  convertRule,
  convertRules,
  detectionSql,
  type FolderResult,
  type MatcherResult,
  type RuleFile,
  ruleKey,
} from './convert.js';
export { SigmaError, type SigmaLocation } from './errors.js';
export type { FieldRef, Node, ValueTest } from './ir.js';
export { fieldsOf } from './ir.js';
export { compileMatcher, type Matcher, type Row } from './matcher.js';
export { parseRules } from './parse.js';
export { PIPELINES, type Pipeline, pipelineFor, pipelineNamed } from './pipelines/index.js';
export { schemaPipeline } from './pipelines/schema.js';
export type * from './types.js';

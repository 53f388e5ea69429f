import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { JSON_SCHEMA, load } from 'js-yaml';
import { TABLES } from '../lambdas/core/schema/registry.js';
import type { TableSchema } from '../lambdas/core/schema/types.js';
import {
  CUSTOM_SOURCES_ENV,
  DECLARATIONS_BUDGET,
  declarationsValue,
  deployedCustomSources,
} from '../lambdas/core/sources/custom/deployed.js';
import {
  buildCustomSources,
  type CustomSourceConfig,
  CustomSourceError,
  parseSourcesFile,
  sampleRecords,
} from '../lambdas/core/sources/custom/index.js';

/** The context option naming the sources file: `npx cdk deploy -c sourcesFile=./sources.yaml`. */
export const SOURCES_FILE_CONTEXT = 'sourcesFile';

/** A sources file as the stack deploys it. */
export interface DeployedSourcesFile {
  /** The file as the context named it (what errors show). */
  readonly file: string;
  /** Declarations with inferred columns written out: the functions' copy. */
  readonly declarations: CustomSourceConfig[];
  /** Environment the functions need: `MANTISSA_CUSTOM_SOURCES` with the declarations as JSON. */
  readonly environment: Record<string, string>;
  /** Glue tables, built from the environment value by the code the functions run. */
  readonly tables: TableSchema[];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Reads, validates and freezes the sources file at synth time, with the parser the local runtime
 * uses: a mistake throws CustomSourceError naming the file and field, so synthesis fails rather than
 * deploy tables the functions could not fill. `infer: true` sources are inferred here, from their
 * sample (relative to the file, as locally): on AWS the Glue table must exist before any data does,
 * so the inferred columns are fixed at each deployment and handed to the functions as `columns`.
 * Paths are relative to `cwd`, where `cdk` runs.
 */
export function loadSourcesFile(file: string, cwd = process.cwd()): DeployedSourcesFile {
  const path = resolve(cwd, file);
  const text = readText(path);
  if (text === undefined) {
    throw new CustomSourceError(file, '', `file does not exist (named by -c ${SOURCES_FILE_CONTEXT})`);
  }
  let doc: unknown;
  try {
    doc = load(text, { filename: file, schema: JSON_SCHEMA });
  } catch (err) {
    throw new CustomSourceError(file, '', `invalid YAML: ${(err as Error).message}`);
  }
  const configs = parseSourcesFile(file, doc);
  const sample = (config: CustomSourceConfig) => {
    const field = `sources[${configs.indexOf(config)}].sample`;
    const samplePath = resolve(dirname(path), config.sample ?? '');
    const body = readText(samplePath);
    if (body === undefined)
      throw new CustomSourceError(file, field, `sample file ${samplePath} does not exist`);
    return sampleRecords(body, file, field, samplePath);
  };
  const { declarations } = buildCustomSources(configs, {
    file,
    builtInTables: TABLES.map((t) => t.name),
    sample,
  });
  if (declarations.length === 0) return { file, declarations, environment: {}, tables: [] };
  const value = declarationsValue(declarations);
  const bytes = Buffer.byteLength(value);
  if (bytes > DECLARATIONS_BUDGET) {
    throw new CustomSourceError(
      file,
      '',
      `the declarations take ${bytes} bytes in the functions' environment, more than the ${DECLARATIONS_BUDGET} ` +
        "that fit in Lambda's 4 KB (shorten or drop descriptions, or keep nested parts as one json column)",
    );
  }
  // The tables come from the value the functions will decode, through their code: what Glue
  // declares and what ingest writes cannot differ.
  const { tables } = deployedCustomSources(value);
  return { file, declarations, environment: { [CUSTOM_SOURCES_ENV]: value }, tables };
}

import { resolve } from 'node:path';
import { buildSourcesFile } from '../lambdas/adapters/local/custom-sources.js';
import type { TableSchema } from '../lambdas/core/schema/types.js';
import {
  CUSTOM_SOURCES_ENV,
  DECLARATIONS_BUDGET,
  declarationsValue,
  deployedCustomSources,
} from '../lambdas/core/sources/custom/deployed.js';
import { type CustomSourceConfig, CustomSourceError } from '../lambdas/core/sources/custom/index.js';

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

/**
 * Reads, validates and freezes the sources file at synth time, with the parser the local runtime
 * uses: a mistake throws CustomSourceError naming the file and field, so synthesis fails rather than
 * deploy tables the functions could not fill. `infer: true` sources are inferred here, from their
 * sample (relative to the file, as locally): on AWS the Glue table must exist before any data does,
 * so the inferred columns are fixed at each deployment and handed to the functions as `columns`.
 * Paths are relative to `cwd`, where `cdk` runs.
 */
export function loadSourcesFile(file: string, cwd = process.cwd()): DeployedSourcesFile {
  const built = buildSourcesFile(resolve(cwd, file), file);
  if (!built) {
    throw new CustomSourceError(file, '', `file does not exist (named by -c ${SOURCES_FILE_CONTEXT})`);
  }
  const { declarations } = built;
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

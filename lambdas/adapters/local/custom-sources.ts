import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { JSON_SCHEMA, load } from 'js-yaml';
import { TABLES } from '../../core/schema/registry.js';
import type { TableSchema } from '../../core/schema/types.js';
import {
  buildCustomSources,
  type CustomSourceConfig,
  CustomSourceError,
  parseSourcesFile,
  sampleRecords,
} from '../../core/sources/custom/index.js';
import type { SourceModule } from '../../core/sources/types.js';

/** What the local runtime gets from `$MANTISSA_HOME/sources.yaml`. */
export interface LoadedCustomSources {
  file: string;
  sources: SourceModule[];
  tables: TableSchema[];
  /** Why the file could not be used; its sources are then absent. */
  error?: CustomSourceError;
  /** The custom sources for ingest; throws the file's error, so data meant for them is never misrouted. */
  usable(): SourceModule[];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Example records of an `infer: true` source (parsed by sampleRecords, as the CDK app parses them). */
function readSample(file: string, field: string, path: string): unknown[] {
  const body = readText(path);
  if (body === undefined) throw new CustomSourceError(file, field, `sample file ${path} does not exist`);
  return sampleRecords(body, file, field, path);
}

/**
 * Reads, parses and builds one sources file, the format both runtimes take (`$MANTISSA_HOME/
 * sources.yaml` locally, `-c sourcesFile` on AWS): samples of `infer: true` sources are read relative
 * to the file. Undefined when the file does not exist; a mistake throws CustomSourceError naming
 * `display` and the field.
 */
export function buildSourcesFile(
  path: string,
  display: string,
): ReturnType<typeof buildCustomSources> | undefined {
  const text = readText(path);
  if (text === undefined) return undefined;
  let doc: unknown;
  try {
    doc = load(text, { filename: display, schema: JSON_SCHEMA });
  } catch (err) {
    throw new CustomSourceError(display, '', `invalid YAML: ${(err as Error).message}`);
  }
  const configs = parseSourcesFile(display, doc);
  return buildCustomSources(configs, {
    file: display,
    builtInTables: TABLES.map((t) => t.name),
    sample: (config: CustomSourceConfig) =>
      readSample(
        display,
        `sources[${configs.indexOf(config)}].sample`,
        resolve(dirname(path), config.sample ?? ''),
      ),
  });
}

/**
 * Reads and builds the custom sources declared in `<home>/sources.yaml` (absent: none). A file that
 * does not validate is kept as `error` rather than thrown, so commands that do not ingest still run;
 * ingest calls `usable()`, which throws it.
 */
export function loadCustomSources(home: string, display = 'sources.yaml'): LoadedCustomSources {
  const path = resolve(home, 'sources.yaml');
  const empty = { file: path, sources: [], tables: [] };
  const usableFrom = (loaded: Omit<LoadedCustomSources, 'usable'>): LoadedCustomSources => ({
    ...loaded,
    usable() {
      if (loaded.error) throw loaded.error;
      return loaded.sources;
    },
  });
  try {
    const built = buildSourcesFile(path, display);
    return usableFrom(built ? { file: path, ...built } : empty);
  } catch (err) {
    if (!(err instanceof CustomSourceError)) throw err;
    return usableFrom({ ...empty, error: err });
  }
}

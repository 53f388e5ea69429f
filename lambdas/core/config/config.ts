import { JSON_SCHEMA, load } from 'js-yaml';
import type { z } from 'zod';
import { DESTINATION_TYPES } from '../alerts/destinations/index.js';
import type { DestinationType } from '../alerts/destinations/types.js';
import type { RedactionConfig } from '../alerts/redaction/redact.js';
import { ConfigSchema, type DeliverySchema, type EnrichmentSchema, type Route } from './schema.js';

export interface DestinationConfig {
  name: string;
  type: string;
  kind: DestinationType<unknown>;
  /** The type's settings, validated. */
  settings: unknown;
  redact: RedactionConfig | undefined;
}

export interface MantissaConfig {
  destinations: Map<string, DestinationConfig>;
  routes: Route[];
  delivery: z.infer<typeof DeliverySchema>;
  enrichment: z.infer<typeof EnrichmentSchema>;
}

/** A config document that cannot be used, naming the file and the field at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${detail}`);
  }
}

function fail(file: string, prefix: PropertyKey[], error: z.ZodError): never {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])];
  if (issue?.code === 'unrecognized_keys') {
    throw new ConfigError(file, [...path, issue.keys[0]].map(String).join('.'), 'unknown field');
  }
  throw new ConfigError(file, path.map(String).join('.'), issue?.message ?? 'invalid');
}

/** Parses config.yaml text; `file` is how errors name it. */
export function parseConfig(file: string, text: string): MantissaConfig {
  // An empty file (or comments only) is the empty configuration; js-yaml 5 refuses it as a document.
  if (text.replace(/^\s*#.*$/gm, '').trim() === '') return validateConfig(file, {});
  let doc: unknown;
  try {
    doc = load(text, { filename: file, schema: JSON_SCHEMA });
  } catch (err) {
    throw new ConfigError(file, '', `invalid YAML: ${(err as Error).message}`);
  }
  return validateConfig(file, doc ?? {});
}

/**
 * Validates a parsed document (on AWS it comes from the rules bucket): the shape, each destination's
 * settings against its type, unique destination names, and routes that name only known destinations.
 */
export function validateConfig(file: string, doc: unknown): MantissaConfig {
  const parsed = ConfigSchema.safeParse(doc);
  if (!parsed.success) fail(file, [], parsed.error);
  const destinations = new Map<string, DestinationConfig>();
  parsed.data.destinations.forEach((entry, i) => {
    const { name, type, redact, ...rest } = entry;
    const kind = DESTINATION_TYPES[type];
    if (!kind) {
      throw new ConfigError(
        file,
        `destinations.${i}.type`,
        `unknown destination type ${JSON.stringify(type)} (one of ${Object.keys(DESTINATION_TYPES).join(', ')})`,
      );
    }
    if (destinations.has(name)) {
      throw new ConfigError(file, `destinations.${i}.name`, `${name} is defined twice`);
    }
    const settings = kind.settings.safeParse(rest);
    if (!settings.success) fail(file, ['destinations', i], settings.error);
    destinations.set(name, { name, type, kind, settings: settings.data, redact });
  });
  parsed.data.routes.forEach((route, i) => {
    const check = (names: string[], field: string) =>
      names.forEach((n, j) => {
        if (!destinations.has(n)) throw new ConfigError(file, `${field}.${j}`, `no destination named ${n}`);
      });
    check(route.to, `routes.${i}.to`);
    if (route.escalate) check(route.escalate.to, `routes.${i}.escalate.to`);
  });
  return {
    destinations,
    routes: parsed.data.routes,
    delivery: parsed.data.delivery,
    enrichment: parsed.data.enrichment,
  };
}

export const EMPTY_CONFIG: MantissaConfig = validateConfig('(none)', {});

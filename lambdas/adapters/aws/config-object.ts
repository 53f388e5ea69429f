import { EMPTY_CONFIG, type MantissaConfig, parseConfig } from '../../core/config/config.js';
import type { Clock } from '../../core/ports/clock.js';
import type { ObjectStore } from '../../core/ports/object-store.js';

/** Where the deployed configuration lives in the lake bucket (the same document as config.yaml). */
export const CONFIG_KEY = 'config/config.yaml';

/** The configuration document in the lake, or the empty configuration when there is none. */
export async function loadConfigObject(store: ObjectStore, display = CONFIG_KEY): Promise<MantissaConfig> {
  const body = await store.get(CONFIG_KEY);
  if (body === undefined) return EMPTY_CONFIG;
  return parseConfig(display, new TextDecoder().decode(body));
}

/**
 * The configuration read at most once per `ttlMs` per container: a warm Lambda does not fetch it
 * for every message, and an edited document applies within `ttlMs`. A failed read is not kept.
 */
export function cachedConfig(
  store: ObjectStore,
  clock: Clock,
  ttlMs = 60_000,
  display = CONFIG_KEY,
): () => Promise<MantissaConfig> {
  let cached: { at: number; config: Promise<MantissaConfig> } | undefined;
  return () => {
    const now = clock.now().getTime();
    if (!cached || now - cached.at >= ttlMs) {
      const config = loadConfigObject(store, display);
      const entry = { at: now, config };
      cached = entry;
      config.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.config;
  };
}

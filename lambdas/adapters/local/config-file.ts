import { readFile } from 'node:fs/promises';
import { EMPTY_CONFIG, type MantissaConfig, parseConfig } from '../../core/config/config.js';

/** `$MANTISSA_HOME/config.yaml`, or the empty configuration (no destinations, no routes) when absent. */
export async function loadConfigFile(path: string, display = 'config.yaml'): Promise<MantissaConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_CONFIG;
    throw err;
  }
  return parseConfig(display, text);
}

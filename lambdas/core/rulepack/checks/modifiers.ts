import { SigmaError } from '../../sigma/errors.js';
import { itemToNode } from '../../sigma/modifiers.js';
import type { Finding } from '../finding.js';
import { detectionItems } from './items.js';
import { type Check, finding } from './types.js';

/** Every `field|modifier` chain must be one the compiler knows, in an order and with values it accepts. */
export const modifierCheck: Check = {
  name: 'unknown-modifier',
  description: 'modifiers are known Sigma modifiers, combined validly, with values they accept',
  run(entry) {
    const out: Finding[] = [];
    for (const item of detectionItems(entry.rule)) {
      try {
        itemToNode(item);
      } catch (err) {
        if (!(err instanceof SigmaError)) throw err;
        const check = /unknown modifier|not supported/.test(err.reason)
          ? 'unknown-modifier'
          : /regular expression/.test(err.reason)
            ? 'regex-invalid'
            : 'detection-value';
        out.push(finding(entry, check, 'error', err.reason, { line: item.line, field: item.path }));
      }
    }
    return out;
  },
};

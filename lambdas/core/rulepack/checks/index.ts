import { attackTagCheck } from './attack-tags.js';
import { convertCheck } from './convert.js';
import { fieldCheck } from './fields.js';
import { metadataCheck } from './metadata.js';
import { modifierCheck } from './modifiers.js';
import { regexCheck } from './regex.js';
import { testsCheck } from './tests-present.js';
import type { Check } from './types.js';

export type { Check, LintContext } from './types.js';

/** Every lint check, in the order findings are reported. `convert` runs only on rules with no error yet. */
export const CHECKS: readonly Check[] = [
  modifierCheck,
  fieldCheck,
  regexCheck,
  attackTagCheck,
  testsCheck,
  metadataCheck,
  convertCheck,
];

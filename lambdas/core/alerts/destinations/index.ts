import { email } from './email.js';
import { jira } from './jira.js';
import { pagerduty } from './pagerduty.js';
import { servicenow } from './servicenow.js';
import { slack } from './slack.js';
import { teams } from './teams.js';
import type { DestinationType } from './types.js';
import { webhook } from './webhook.js';

/** Every destination type, by the `type:` that names it in config.yaml. Add a destination here. */
export const DESTINATION_TYPES: Readonly<Record<string, DestinationType<unknown>>> = Object.fromEntries(
  [slack, pagerduty, jira, email, servicenow, teams, webhook].map((d) => [d.type, d]),
);

import { randomUUID } from 'node:crypto';
import type { LlmClient, LlmMessage } from '../llm/types.js';
import { convertRule } from '../sigma/index.js';
import type { Catalog } from './catalog.js';
import type { Filter, Term } from './offline/intent.js';
import { parseQuestion } from './offline/parse.js';
import { BeyondTranslatorError } from './translator.js';

/** A drafted detection rule, for a person to review: never saved or enabled by this code. */
export interface RuleDraft {
  yaml: string;
  /** The rule as DuckDB SQL, proof that the compiler accepts it. */
  sql: string;
  explanation: string;
  translator: string;
  enabled: false;
  review: string;
}

/** Sigma field names (CloudTrail's own spelling) for what the offline grammar filters on. */
const SIGMA_FIELD: Record<string, string> = {
  eventname: 'eventName',
  eventsource: 'eventSource',
  errorcode: 'errorCode',
  errormessage: 'errorMessage',
  identity_type: 'userIdentity.type',
  region: 'awsRegion',
  ip: 'sourceIPAddress',
  account: 'recipientAccountId',
  mfa_used: 'additionalEventData.MFAUsed',
  session_mfa: 'userIdentity.sessionContext.attributes.mfaAuthenticated',
  user_name: 'userIdentity.userName',
  user_arn: 'userIdentity.arn',
  readonly: 'readOnly',
};

const yamlString = (v: string) => JSON.stringify(v);

function termYaml(t: Term): [string, string] {
  const field = SIGMA_FIELD[t.expr];
  if (!field) throw new BeyondTranslatorError(`a rule cannot test ${t.expr} yet`);
  const values = t.values ?? [];
  switch (t.op) {
    case 'IS NULL':
      return [`${field}|exists`, 'false'];
    case 'IS NOT NULL':
      return [`${field}|exists`, 'true'];
    case 'LIKE':
      return [`${field}|endswith`, yamlString((values[0] ?? '').replace(/^%/, ''))];
    case 'BOOL':
      return [field, values[0] === 'true' ? 'true' : 'false'];
    case 'IN':
      return [field, `[${values.map(yamlString).join(', ')}]`];
    default:
      return [field, yamlString(values[0] ?? '')];
  }
}

/** One Sigma selection per filter: AND-ed terms as one map, OR-ed terms as a list of maps. */
function selections(filters: Filter[]): { yaml: string[]; condition: string } {
  const yaml: string[] = [];
  const names: string[] = [];
  filters.forEach((f, i) => {
    const name = `sel_${f.key}_${i}`;
    names.push(name);
    const terms = f.terms.map(termYaml);
    if (f.any) {
      yaml.push(`  ${name}:`, ...terms.map(([k, v]) => `    - ${k}: ${v}`));
    } else {
      yaml.push(`  ${name}:`, ...terms.map(([k, v]) => `    ${k}: ${v}`));
    }
  });
  return { yaml, condition: names.join(' and ') };
}

const WORD_NUMBERS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, ten: 10, twenty: 20 };

/**
 * "alert when a user fails login 5 times in 10 minutes" -> an event_count correlation over a
 * single-event rule; without a count and window, the single-event rule alone.
 */
export function draftRuleOffline(description: string, catalog: Catalog): RuleDraft {
  const q = description.toLowerCase();
  const parsed = parseQuestion(description, catalog, new Date(0));
  if (parsed.beyond || parsed.intent.filters.length === 0) {
    throw new BeyondTranslatorError(
      `The offline rule drafter needs conditions it knows (sign-ins, failures, error codes, root, services, API actions, MFA, regions, IPs) and optionally "N times in M minutes"${parsed.beyond ? `; ${parsed.beyond}` : ''}.`,
    );
  }
  const times = /\b(\d+|two|three|four|five|ten|twenty)\s+(?:or more\s+)?times\b/.exec(q);
  const window = /\b(?:in|within)\s+(\d+)\s*(seconds?|minutes?|mins?|hours?)\b/.exec(q);
  const { yaml, condition } = selections(parsed.intent.filters);
  const label = parsed.intent.filters.map((f) => f.label).join(', ');
  const base = `draft_${parsed.intent.filters.map((f) => f.key).join('_')}`;
  const single = [
    `title: ${yamlString(`Draft: ${label}`)}`,
    `name: ${base}`,
    'status: experimental',
    `description: ${yamlString(`Drafted from: ${description}`)}`,
    'logsource: {product: aws, service: cloudtrail}',
    'detection:',
    ...yaml,
    `  condition: ${condition}`,
    'level: medium',
  ];
  let docs = single;
  let explanation = `Matches each CloudTrail event with ${label}.`;
  if (times?.[1] && window?.[1] && window[2]) {
    const count = WORD_NUMBERS[times[1]] ?? Number(times[1]);
    const unit = window[2].startsWith('s') ? 's' : window[2].startsWith('h') ? 'h' : 'm';
    const span = `${window[1]}${unit}`;
    const byIp = /\b(same |an |one |per |from an? )?(ip|address|source)\b/.test(q) && !/\buser\b/.test(q);
    const groupBy = byIp ? 'sourceIPAddress' : 'userIdentity.userName';
    docs = [
      `title: ${yamlString(`Draft: ${count} or more ${label} by one ${byIp ? 'address' : 'user'} within ${span}`)}`,
      `id: ${randomUUID()}`,
      'status: experimental',
      `description: ${yamlString(`Drafted from: ${description}`)}`,
      'correlation:',
      '  type: event_count',
      `  rules: [${base}]`,
      `  group-by: [${groupBy}]`,
      `  timespan: ${span}`,
      `  condition: {gte: ${count}}`,
      'level: high',
      '---',
      ...single,
    ];
    explanation = `Alerts when one ${byIp ? 'source address' : 'user'} has ${count} or more events with ${label} within ${span}.`;
  }
  return finish(`${docs.join('\n')}\n`, explanation, 'offline');
}

function finish(yaml: string, explanation: string, translator: string): RuleDraft {
  const converted = convertRule(yaml, { dialect: 'duckdb' });
  if ('error' in converted) throw new Error(`the drafted rule does not compile: ${converted.error}`);
  return {
    yaml,
    sql: converted.sql,
    explanation,
    translator,
    enabled: false,
    review:
      'A draft for review: it is not saved or enabled. Test it, then add it to your rules folder to enable it.',
  };
}

const RULE_SCHEMA = {
  name: 'sigma_rule',
  description: 'A Sigma rule (YAML; a correlation first, then the rules it refers to) and what it detects.',
  jsonSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['yaml', 'explanation'],
    properties: { yaml: { type: 'string' }, explanation: { type: 'string' } },
  },
};

/** A model drafts the rule; the Sigma compiler checks it, and its error goes back for up to two repairs. */
export async function draftRuleWithLlm(description: string, client: LlmClient): Promise<RuleDraft> {
  const system = [
    'You write Sigma detection rules for AWS CloudTrail (logsource product: aws, service: cloudtrail).',
    'Use CloudTrail field names (eventName, eventSource, errorMessage, userIdentity.userName, sourceIPAddress).',
    'A failed console sign-in is eventName ConsoleLogin with errorMessage "Failed authentication".',
    'For thresholds over time write a Sigma correlation (type event_count, group-by, timespan, condition) as the',
    'first YAML document, followed by the rule it names in `rules`. Set status: experimental.',
  ].join('\n');
  const messages: LlmMessage[] = [{ role: 'user', content: description }];
  let lastError = '';
  for (let round = 0; round <= 2; round++) {
    const res = await client.complete({
      system,
      messages,
      schema: RULE_SCHEMA,
      maxTokens: 2048,
      temperature: 0,
    });
    const out = res.output as { yaml?: unknown; explanation?: unknown };
    const yaml = typeof out.yaml === 'string' ? out.yaml : '';
    const converted = convertRule(yaml, { dialect: 'duckdb' });
    if ('sql' in converted)
      return finish(yaml, String(out.explanation ?? ''), `${client.provider}:${client.model}`);
    lastError = converted.error;
    messages.push(
      { role: 'assistant' as const, content: JSON.stringify(out) },
      {
        role: 'user' as const,
        content: `The Sigma compiler refused it: ${lastError}. Answer again, corrected.`,
      },
    );
  }
  throw new BeyondTranslatorError(`the model's rule did not compile after two repairs: ${lastError}`);
}

import type { Catalog } from '../catalog.js';
import type { Filter, Intent, Shape } from './intent.js';
import { parseTime } from './time.js';
import { DIMENSION_WORDS, type ExprName, SERVICES } from './vocabulary.js';
import { camelWords, containsInOrder, stem, stems } from './words.js';

/** What one question says, before it is merged with the session's previous intent. */
export interface ParsedQuestion {
  intent: Partial<Intent> & { filters: Filter[] };
  /** Did the question say anything the translator understood? */
  understood: boolean;
  followUp: boolean;
  /** Set when the question asks for something the offline translator cannot do, and why. */
  beyond?: string;
}

const BEYOND: [RegExp, string][] = [
  [/\b(average|avg|mean|median|percentiles?|standard deviation|stddev)\b/, 'averages and other statistics'],
  [/\b(percent(age)?|ratio|proportion|share of)\b/, 'ratios and percentages'],
  [/\b(compare|comparison|versus|vs\.?|differ(ence)? between)\b/, 'comparisons between groups or periods'],
  [/\b(why|explain|cause|root cause|should)\b/, 'explanations (it returns data, not reasons)'],
  [
    /\b(anomal\w*|unusual|baseline|outliers?|spikes?|predict\w*|forecast)\b/,
    'anomaly detection and baselines',
  ],
  [/\b(join|correlat\w*|followed by|sequence|after which)\b/, 'sequences and joins across events'],
];

const COUNTRIES: Record<string, [string, string]> = {
  us: ['US', 'the United States'],
  usa: ['US', 'the United States'],
  'united states': ['US', 'the United States'],
  uk: ['GB', 'the United Kingdom'],
  'united kingdom': ['GB', 'the United Kingdom'],
  germany: ['DE', 'Germany'],
  france: ['FR', 'France'],
  russia: ['RU', 'Russia'],
  china: ['CN', 'China'],
};

const FOLLOW_UP =
  /^(and|now|also|but|only|just|filter|group|narrow|exclude|limit|sort|same|instead|what about|then show|break (it )?down|split)\b/;

const eq = (expr: ExprName, ...values: string[]): Filter['terms'][number] =>
  values.length === 1 ? { expr, op: '=', values } : { expr, op: 'IN', values };

/** Values of `expr` in the catalog the question names, by their words in order or as one token. */
function catalogMatches(catalog: Catalog, expr: string, qStems: string[], qWords: string[]): string[] {
  const values = catalog.tables.find((t) => t.name === 'cloudtrail')?.frequentValues[expr] ?? [];
  return values
    .map((v) => v.value)
    .filter(
      (v) =>
        /^[A-Za-z.]+$/.test(v) &&
        (qWords.includes(v.toLowerCase().replace(/^client\./, '')) ||
          containsInOrder(qStems, camelWords(v.replace(/^Client\./, '')).map(stem), 2)),
    );
}

function dimensionAt(text: string): ExprName | undefined {
  const rest = text.replace(/^(the |distinct |unique |different |iam |aws |new |of |source |calling )+/, '');
  for (const [pattern, dim] of DIMENSION_WORDS) if (pattern.test(rest)) return dim;
  return undefined;
}

export function parseQuestion(question: string, catalog: Catalog, now: Date): ParsedQuestion {
  const q = question.toLowerCase().replace(/[’']/g, "'").replace(/\s+/g, ' ').trim();
  // A leading imperative ("list the …", "show …") is not part of an API name such as ListUsers.
  const qStems = stems(q.replace(/^(please )?(list|show|get|describe|display|give)( me)?\b/, ''));
  const qWords = q.match(/[a-z0-9]+/g) ?? [];
  const filters: Filter[] = [];
  const add = (f: Filter) => {
    if (!filters.some((x) => x.key === f.key)) filters.push(f);
  };

  for (const [pattern, what] of BEYOND) {
    if (pattern.test(q)) {
      return { intent: { filters }, understood: false, followUp: false, beyond: `it does not do ${what}` };
    }
  }

  const login =
    /\b(consolelogins?|log ?ins?|logins?|sign[- ]?ins?|signins?|logged (in|on)|logons?|console (access|sessions?))\b/.test(
      q,
    );
  if (login) add({ key: 'eventname', label: 'console sign-ins', terms: [eq('eventname', 'ConsoleLogin')] });
  const codes = catalogMatches(catalog, 'errorcode', qStems, qWords);
  if (codes.length > 0)
    add({ key: 'outcome', label: `error ${codes.join(', ')}`, terms: [eq('errorcode', ...codes)] });
  else if (/\b(fail(s|ed|ures?|ing)?|unsuccessful|errors?|errored|denied)\b/.test(q)) {
    add(
      login
        ? { key: 'outcome', label: 'failed sign-ins', terms: [eq('errormessage', 'Failed authentication')] }
        : {
            key: 'outcome',
            label: 'failed calls (an error code or message)',
            terms: [
              { expr: 'errorcode', op: 'IS NOT NULL' },
              { expr: 'errormessage', op: 'IS NOT NULL' },
            ],
            any: true,
          },
    );
  } else if (/\b(success(ful(ly)?)?|succeeded)\b/.test(q)) {
    add({
      key: 'outcome',
      label: login ? 'successful sign-ins' : 'successful calls',
      terms: [{ expr: login ? 'errormessage' : 'errorcode', op: 'IS NULL' }],
    });
  }

  if (/\broot\b/.test(q))
    add({ key: 'identity', label: 'the root user', terms: [eq('identity_type', 'Root')] });
  else if (/\biam users?\b/.test(q))
    add({ key: 'identity', label: 'IAM users', terms: [eq('identity_type', 'IAMUser')] });
  else if (/\b(assumed roles?|role sessions?)\b/.test(q))
    add({ key: 'identity', label: 'assumed roles', terms: [eq('identity_type', 'AssumedRole')] });
  else if (/\baws services?\b/.test(q))
    add({ key: 'identity', label: 'AWS services', terms: [eq('identity_type', 'AWSService')] });

  for (const [word, source] of Object.entries(SERVICES)) {
    // "IAM users" and "IAM roles" are identities, not the IAM service.
    if (
      new RegExp(`\\b${word}\\b(?! (users?|roles?)\\b)`).test(q) &&
      !(word === 'cloudtrail' && /\bcloudtrail (events|logs|records)\b/.test(q))
    ) {
      add({ key: 'eventsource', label: `${word.toUpperCase()} events`, terms: [eq('eventsource', source)] });
    }
  }

  const names = catalogMatches(catalog, 'eventname', qStems, qWords).filter((n) => n !== 'ConsoleLogin');
  // A longer API name that matched wins over the shorter ones it contains (CreateAccessKey over a stray CreateUser).
  if (names.length > 0 && !login)
    add({ key: 'eventname', label: names.join(', '), terms: [eq('eventname', ...names)] });

  if (/\b(without|no|not using|lacking|missing) mfa\b/.test(q)) {
    add(
      login
        ? { key: 'mfa', label: 'sign-ins without MFA', terms: [eq('mfa_used', 'No')] }
        : { key: 'mfa', label: 'sessions without MFA', terms: [eq('session_mfa', 'false')] },
    );
  }
  if (/\bread[- ]only\b/.test(q))
    add({
      key: 'readonly',
      label: 'read-only calls',
      terms: [{ expr: 'readonly', op: 'BOOL', values: ['true'] }],
    });
  else if (/\b(write|mutating|non[- ]read[- ]only)\b/.test(q))
    add({
      key: 'readonly',
      label: 'write calls',
      terms: [{ expr: 'readonly', op: 'BOOL', values: ['false'] }],
    });

  const regions = q.match(/\b[a-z]{2}-[a-z]+-\d\b/g);
  if (regions) add({ key: 'region', label: regions.join(', '), terms: [eq('region', ...new Set(regions))] });
  const ips = q.match(/\b\d{1,3}(\.\d{1,3}){3}\b/g);
  if (ips) add({ key: 'ip', label: ips.join(', '), terms: [eq('ip', ...new Set(ips))] });
  const accounts = q.match(/\b\d{12}\b/g);
  if (accounts)
    add({ key: 'account', label: accounts.join(', '), terms: [eq('account', ...new Set(accounts))] });
  // User names: the ones the catalog knows, else a name-like word after "user", "by", "for", "named".
  const known = (
    catalog.tables.find((t) => t.name === 'cloudtrail')?.frequentValues['useridentity.username'] ?? []
  )
    .map((v) => v.value)
    .filter((v) =>
      new RegExp(`(^|[^\\w.@-])${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w@-])`, 'i').test(q),
    );
  const named = /\b(?:user|by|for|named)\s+([a-z0-9][\w.@+'-]*[.@\-_\d][\w.@+'-]*[a-z0-9])\b/.exec(q)?.[1];
  const users =
    known.length > 0
      ? known
      : named && !/^[\d.]+$/.test(named) && !/^[a-z]{2}-[a-z]+-\d$/.test(named)
        ? [named]
        : [];
  if (users.length > 0) {
    add({
      key: 'user',
      label: `user ${users.join(', ')}`,
      terms: [
        eq('user_name', ...users),
        ...users.map((u) => ({ expr: 'user_arn' as const, op: 'LIKE' as const, values: [`%/${u}`] })),
      ],
      any: true,
    });
  }

  let geo: Intent['geo'];
  const outside =
    /\b(?:outside|not (?:from|in)|abroad from|foreign to) (?:of )?(?:the )?(us|usa|united states|uk|united kingdom|germany|france)\b/.exec(
      q,
    );
  const inside =
    /\b(?:from|in) (?:the )?(us|usa|united states|uk|united kingdom|germany|france|russia|china)\b/.exec(q);
  const country = outside?.[1] ?? inside?.[1];
  if (country) {
    const [code, name] = COUNTRIES[country] ?? ['US', 'the United States'];
    geo = { country: code, name, outside: Boolean(outside) };
  }

  // Shape and dimensions.
  let shape: Shape = 'list';
  const dims: ExprName[] = [];
  let top: number | undefined;
  const addDim = (d: ExprName | undefined) => {
    if (d && !dims.includes(d)) dims.push(d);
  };
  // Every trigger is tried (matches may overlap: "what are the most common error codes").
  for (const m of q.matchAll(
    /\b(?:group(?:ed)? by|broken down by|break (?:it )?down by|by|per|for each|each|which|what|top \d+|top|most (?:common|frequent|active|used)|list (?:the )?(?:distinct|unique)|how many (?:distinct|unique|different))\s+/g,
  )) {
    addDim(dimensionAt(q.slice((m.index ?? 0) + m[0].length)));
  }
  if (/\bwho\b/.test(q)) addDim('user');
  if (/\b(hourly|per hour|each hour|by hour|over time)\b/.test(q)) addDim('hour');
  if (/\b(daily|per day|each day|by day)\b/.test(q)) addDim('day');
  const topN = /\btop (\d+)\b/.exec(q);
  if (topN?.[1]) top = Number(topN[1]);
  else if (/\b(top|most (common|frequent|active|used)|most)\b/.test(q)) top = 10;

  const recent = /\b(\d+) (most recent|latest|last)\b/.exec(q);
  if (recent?.[1]) top = Number(recent[1]);
  else if (/\b(how many|number of) (distinct|unique|different)\b/.test(q) && dims.length > 0)
    shape = 'count_distinct';
  else if (/\b(list|show)( me)?( all)?( the)? (distinct|unique|different)\b/.test(q) && dims.length > 0)
    shape = 'distinct';
  else if (/\b(last time|most recent(ly)?|latest|when was the last|last seen)\b/.test(q)) shape = 'last';
  else if (/\b(first time|earliest|first seen|when (was|did)\b[^?]*\bfirst)\b/.test(q)) shape = 'first';
  else if (dims.length > 0) shape = 'group';
  else if (/\b(how many|count|number of|total)\b/.test(q)) shape = 'count';

  // Grouped by error code, a failure is a call with an error code (sign-in failures have none).
  const outcome = filters.findIndex((f) => f.key === 'outcome' && f.any);
  if (dims.includes('errorcode') && outcome >= 0) {
    filters[outcome] = {
      key: 'outcome',
      label: 'calls with an error code',
      terms: [{ expr: 'errorcode', op: 'IS NOT NULL' }],
    };
  }

  const time = parseTime(q, now);
  const intent: ParsedQuestion['intent'] = { filters, shape, dims };
  if (time) intent.time = time;
  if (top !== undefined) intent.top = top;
  if (geo) intent.geo = geo;
  const understood =
    filters.length > 0 || dims.length > 0 || shape !== 'list' || Boolean(time) || Boolean(geo);
  return { intent, understood, followUp: FOLLOW_UP.test(q) };
}

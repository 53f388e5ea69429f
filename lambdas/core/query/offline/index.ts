import type { GeoIp } from '../../alerts/enrichment/geo.js';
import {
  BeyondTranslatorError,
  type TranslateInput,
  type Translation,
  type Translator,
} from '../translator.js';
import { type Filter, type Intent, mergeIntent } from './intent.js';
import { parseQuestion } from './parse.js';
import { describe, renderSql } from './render.js';
import { EXPRS } from './vocabulary.js';

const SCOPE =
  'The offline translator understands time ranges (last N hours/days, today, yesterday, this week, recently), ' +
  'filters on known CloudTrail fields (sign-ins, failures, error codes, root/IAM users/roles, services, API actions, ' +
  'regions, accounts, IP addresses, user names, MFA, countries), counts, top-N and group-by.';

/** What a person does to have other questions answered, where the offline translator runs by default. */
export const LOCAL_MODEL_HINT = 'Configure a language model (MANTISSA_LLM_PROVIDER) for other questions.';

function isIntent(value: unknown): value is Intent {
  return typeof value === 'object' && value !== null && Array.isArray((value as Intent).filters);
}

/**
 * The deterministic translator used when no language model is configured (and when one fails):
 * a small grammar of what analysts ask of CloudTrail, rendered to SQL per dialect. It refuses
 * plainly what it does not understand rather than guessing.
 */
export class OfflineTranslator implements Translator {
  readonly name = 'offline';

  /**
   * `geo`: the offline IP-to-country database, and how answers name it. `modelHint`: how to
   * configure a model in this runtime, told with every refusal (on AWS it is a deploy option).
   */
  constructor(
    private readonly geo?: { db: GeoIp; source: string },
    private readonly modelHint = LOCAL_MODEL_HINT,
  ) {}

  async translate(input: TranslateInput): Promise<Translation> {
    const parsed = parseQuestion(input.question, input.catalog, input.now);
    if (parsed.beyond)
      throw new BeyondTranslatorError(
        `This question is beyond the offline translator: ${parsed.beyond}. ${SCOPE} ${this.modelHint}`,
      );
    const previous = [...input.history].reverse().find((t) => t.translator === this.name && isIntent(t.state))
      ?.state as Intent | undefined;
    let intent: Intent;
    const assumptions: string[] = [];
    if (previous && (parsed.followUp || !parsed.understood)) {
      intent = mergeIntent(previous, parsed.intent);
      assumptions.push(`A follow-up: refines the previous question (${describe(previous)})`);
    } else if (!parsed.understood) {
      throw new BeyondTranslatorError(
        `This question is beyond the offline translator: it found no time range, known field, count, top-N or grouping in it. ${SCOPE} ${this.modelHint}`,
      );
    } else {
      intent = {
        filters: parsed.intent.filters,
        shape: parsed.intent.shape ?? 'list',
        dims: parsed.intent.dims ?? [],
      };
      if (parsed.intent.time) intent.time = parsed.intent.time;
      if (parsed.intent.top !== undefined) intent.top = parsed.intent.top;
      if (parsed.intent.geo) intent.geo = parsed.intent.geo;
    }
    const dialect = input.catalog.dialect;
    const extra: Filter[] = [];
    if (intent.geo) extra.push(await this.geoFilter(intent, input, assumptions));

    assumptions.push(
      intent.time
        ? `Time range: ${intent.time.label} (from ${intent.time.from}${intent.time.to ? ` to ${intent.time.to}` : ''}).`
        : 'No time range named: the default bound applies.',
    );
    if (intent.dims.includes('user') || intent.filters.some((f) => f.key === 'user')) {
      assumptions.push(`"User" means ${EXPRS.user.label}.`);
    }
    for (const f of intent.filters) {
      if (f.key === 'outcome' && f.label === 'failed sign-ins') {
        assumptions.push(
          'A failed console sign-in is ConsoleLogin with errormessage "Failed authentication".',
        );
      }
      if (f.key === 'outcome' && f.label.startsWith('failed calls')) {
        assumptions.push('A failure is any event with an error code or an error message.');
      }
    }
    return {
      sql: renderSql(intent, dialect, extra),
      explanation: describe(intent),
      assumptions,
      state: intent,
    };
  }

  /**
   * Countries are not in the logs, and SQL cannot call the geo database, so the addresses the
   * other filters select are looked up here and the answer's SQL lists the ones that qualify.
   */
  private async geoFilter(intent: Intent, input: TranslateInput, assumptions: string[]): Promise<Filter> {
    const geo = intent.geo;
    if (!geo) throw new Error('no geo condition');
    if (!this.geo) {
      throw new BeyondTranslatorError(
        'This question needs countries for IP addresses, and no geo database is available to the offline translator.',
      );
    }
    const probe = renderSql({ ...intent, shape: 'distinct', dims: ['ip'] }, input.catalog.dialect);
    const ips = (await input.lookup(probe)).map((r) => String(r.source_ip)).filter((ip) => ip !== 'null');
    const placed = ips.map((ip) => ({ ip, country: this.geo?.db.lookup(ip)?.country }));
    const unknown = placed.filter((p) => !p.country).map((p) => p.ip);
    const chosen = placed
      .filter((p) => (geo.outside ? p.country !== geo.country : p.country === geo.country))
      .map((p) => p.ip);
    const where = placed
      .filter((p) => chosen.includes(p.ip))
      .map((p) => `${p.ip} (${p.country ?? 'unknown'})`)
      .join(', ');
    assumptions.push(
      `Countries come from ${this.geo.source}, looked up when the question was translated: ${ips.length} source addresses matched the other conditions; ${geo.outside ? 'outside' : 'in'} ${geo.name}: ${where || 'none'}.`,
    );
    if (unknown.length > 0) {
      assumptions.push(
        `${unknown.join(', ')} cannot be placed in any country (private, reserved or documentation ranges); ${geo.outside ? 'they are counted as outside, since they cannot be shown to be inside' : 'they are left out'}.`,
      );
    }
    return {
      key: 'geo',
      label: `source addresses ${geo.outside ? 'outside' : 'in'} ${geo.name}`,
      terms: [{ expr: 'ip', op: 'IN', values: chosen }],
    };
  }
}

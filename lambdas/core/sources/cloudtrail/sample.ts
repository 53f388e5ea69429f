/**
 * Realistic CloudTrail sample: three accounts of benign activity (people in the console and the CLI,
 * SSO sessions, Terraform, a monitoring integration, EC2 and Lambda workloads, AWS service events)
 * with attack scenarios mixed in, delivered as CloudTrail writes it to S3. Deterministic per seed;
 * times derive from `end` and `days` only.
 *
 * The parts live under sample/: the organisation (accounts.ts, people.ts, user-agents.ts), the API
 * catalogue (api.ts, api-builders.ts), who calls (identities.ts), record builders (records.ts), the
 * benign background (benign.ts), the attacks (scenarios.ts) and the S3 delivery (delivery.ts).
 */
import type { SampleFile, SampleOptions } from '../types.js';
import { benign } from './sample/benign.js';
import { deliveryFiles } from './sample/delivery.js';
import { Rng, streamSeed } from './sample/random.js';
import type { CloudTrailRecord, CloudTrailScenario } from './sample/record-types.js';
import { Gen } from './sample/records.js';
import { ATTACK_SCENARIOS } from './sample/scenarios.js';
import { HOUR } from './sample/time.js';

export type {
  CloudTrailRecord,
  CloudTrailResource,
  CloudTrailScenario,
  CloudTrailSessionContext,
  CloudTrailSessionIssuer,
  CloudTrailUserIdentity,
  JsonObject,
  JsonValue,
} from './sample/record-types.js';

/** Every record of the sample, time-ordered, and the attack scenarios mixed into it. */
export function generateCloudTrailRecords(opts: SampleOptions): {
  records: CloudTrailRecord[];
  scenarios: CloudTrailScenario[];
} {
  const endMs = opts.end.getTime();
  if (!Number.isFinite(endMs) || !(opts.days > 0))
    throw new RangeError('the sample needs a valid end and days > 0');
  const first = Math.ceil((endMs - opts.days * 24 * HOUR * 1000) / 1000);
  const last = Math.floor((endMs - 60_000) / 1000);
  const end = Math.floor(endMs / 1000);
  const background = new Gen(new Rng(streamSeed(opts.seed, 'benign')), first, last);
  benign(background);
  const attacks = new Gen(new Rng(streamSeed(opts.seed, 'scenarios')), first, last);
  const scenarios = ATTACK_SCENARIOS.map((make) => make(attacks, end));
  const records = [...background.records, ...attacks.records];
  records.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
  return { records, scenarios };
}

/** The sample as S3 delivery objects: one per account and region per 5-15 minutes of events. */
export function cloudtrailSampleFiles(opts: SampleOptions): SampleFile[] {
  return deliveryFiles(generateCloudTrailRecords(opts).records, opts);
}

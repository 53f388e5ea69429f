/**
 * Sigma compiler figures: time to compile the whole corpus (parse + pipeline + SQL for two
 * dialects), and matcher throughput with every rule of a source loaded. `npm run bench:sigma [PATH]`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compileMatchers,
  convertRules,
  parseRules,
  type Row,
  type SigmaRule,
} from '../lambdas/core/sigma/index.js';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });
}

/** CloudTrail-shaped rows: mostly benign API calls, a few of the actions the rules look for. */
function cloudtrailEvents(n: number): Row[] {
  const names = [
    'GetObject',
    'DescribeInstances',
    'AssumeRole',
    'ConsoleLogin',
    'StopLogging',
    'PutBucketPolicy',
    'ListBuckets',
  ];
  const sources = [
    's3.amazonaws.com',
    'ec2.amazonaws.com',
    'sts.amazonaws.com',
    'signin.amazonaws.com',
    'cloudtrail.amazonaws.com',
  ];
  const rows: Row[] = [];
  let seed = 42;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  for (let i = 0; i < n; i++) {
    rows.push({
      eventversion: '1.09',
      eventsource: sources[rnd(sources.length)],
      eventname: names[rnd(names.length)],
      awsregion: 'eu-west-1',
      sourceipaddress: `10.0.${rnd(256)}.${rnd(256)}`,
      useragent: rnd(10) === 0 ? 'TruffleHog' : 'aws-cli/2.15.0 Python/3.11',
      errorcode: rnd(5) === 0 ? 'AccessDenied' : null,
      useridentity: {
        type: rnd(20) === 0 ? 'Root' : 'IAMUser',
        arn: `arn:aws:iam::123456789012:user/u${rnd(50)}`,
      },
      requestparameters: JSON.stringify({ bucketName: `b${rnd(100)}`, userName: `u${rnd(50)}` }),
      responseelements: rnd(3) === 0 ? JSON.stringify({ ConsoleLogin: 'Success' }) : null,
      additionaleventdata: JSON.stringify({ MFAUsed: rnd(2) ? 'Yes' : 'No' }),
      readonly: rnd(2) === 0,
    });
  }
  return rows;
}

function main(): void {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const root = resolve(process.argv[2] ?? join(repo, '../shared/sigmahq'));
  if (!existsSync(root)) {
    console.log(`bench:sigma skipped: no Sigma corpus at ${root}`);
    return;
  }
  const texts = walk(root).map((f) => ({ f, text: readFileSync(f, 'utf8') }));
  const rounds = 5;
  let rules: SigmaRule[] = [];
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    rules = [];
    for (const { f, text } of texts) {
      try {
        rules.push(...parseRules(text, f));
      } catch {
        // refused rules are counted by conformance:sigma
      }
    }
    for (const dialect of ['duckdb', 'athena'] as const) {
      convertRules(rules, { dialect, pipeline: false, table: 'events', keywordFields: ['message'] });
    }
  }
  const compileMs = (performance.now() - t0) / rounds;
  console.log(
    `compile: ${texts.length} files, ${rules.length} rules parsed and rendered for DuckDB and Athena in ${compileMs.toFixed(1)} ms (${((compileMs * 1000) / rules.length).toFixed(0)} µs per rule)`,
  );

  const cloudtrail = rules.filter((r) => r.kind === 'detection' && r.logsource.service === 'cloudtrail');
  const matchers = compileMatchers(cloudtrail, { pipeline: 'auto' }).flatMap((m) =>
    'match' in m ? [m.match] : [],
  );
  const events = cloudtrailEvents(50_000);
  let hits = 0;
  const t1 = performance.now();
  for (const ev of events) for (const m of matchers) if (m(ev)) hits++;
  const s = (performance.now() - t1) / 1000;
  console.log(
    `matcher: ${matchers.length} CloudTrail rules loaded, ${events.length} events in ${s.toFixed(2)} s = ${Math.round(events.length / s).toLocaleString('en')} events/s (${Math.round((events.length * matchers.length) / s).toLocaleString('en')} rule evaluations/s, ${hits} matches)`,
  );
}

main();

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableSchema } from '../../lambdas/core/schema/types.js';
import { type Pipeline, parseRules, pipelineFor, schemaPipeline } from '../../lambdas/core/sigma/index.js';
import type { DetectionRule } from '../../lambdas/core/sigma/types.js';
import { checkEquivalence, checkPipelineEquivalence, readsLists } from '../../scripts/conformance-sigma.js';
import { SHARED } from '../fixtures/shared.js';

let conn: DuckDBConnection;
beforeAll(async () => {
  conn = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => conn.closeSync());

const opts = { keywordFields: ['msg'], placeholders: { nets: ['10.*', '192.168.?.1'] } };

async function agree(detection: string, extra: Record<string, unknown>[] = []) {
  const [rule] = parseRules(`title: H\nlogsource: {product: x}\ndetection:\n${detection}`);
  const eq = await checkEquivalence(conn, rule as DetectionRule, opts, extra);
  expect(eq.skipped).toBeUndefined();
  expect(eq.mismatches).toEqual([]);
  expect(eq.matched).toBeGreaterThan(0);
  return eq;
}

describe('matcher and DuckDB agree on hand-written rules', () => {
  it('plain values, lists, numbers as text, null and missing fields, not', async () => {
    await agree('  sel: {a: [Foo, 42], b: null}\n  f: {c: 7}\n  condition: sel and not f\n', [
      { a: '42', c: '7' },
      { a: 'FOO', c: null },
      { a: 'foo', b: 'x' },
    ]);
  });
  it('wildcards, escapes, unicode case folding', async () => {
    await agree("  sel: {a: ['İst?n*\\*', 'Straße*', 'ΣΑΣ']}\n  condition: sel\n", [
      { a: 'istanbul*' },
      { a: 'İSTANBUL*' },
      { a: 'STRASSE' },
      { a: 'σας' },
      { a: 'σασ' },
      { a: 'i\u0307stanbul*' },
    ]);
  });
  it('contains|all, startswith, endswith, cased, neq', async () => {
    await agree(
      '  sel: {a|contains|all: [x, y], b|startswith: Pre, c|endswith: suf, d|cased: AbC, e|neq: no}\n  condition: sel\n',
    );
  });
  it('re with i, m, s flags', async () => {
    await agree(
      "  s1: {a|re: 'ab+c'}\n  s2: {b|re|i: '^x.z$'}\n  s3: {c|re|m: '^line$'}\n  s4: {d|re|s: 'a.b'}\n  condition: 1 of them\n",
      [{ a: 'xabbbc' }, { c: 'first\nline' }, { d: 'a\nb' }, { b: 'XYZ' }, { b: 'x\nz' }],
    );
  });
  it('cidr v4 and v6, both spellings and invalid addresses', async () => {
    await agree(
      "  sel: {ip|cidr: [10.0.0.0/8, 192.168.1.128/25, '2001:db8::/33', 'fe80::/10']}\n  condition: sel\n",
      [
        { ip: '10.255.255.255' },
        { ip: '11.0.0.0' },
        { ip: '192.168.1.127' },
        { ip: '192.168.1.200' },
        { ip: '2001:DB8:7fff::1' },
        { ip: '2001:db8:8000::1' },
        { ip: 'fe80::1' },
        { ip: 'FEBF:ffff::' },
        { ip: '::' },
        { ip: '1.2.3.4.5' },
        { ip: '256.1.1.1' },
        { ip: '2001:db8:::1' },
      ],
    );
  });
  it('gt, gte, lt, lte over numbers, numeric text and non-numbers', async () => {
    await agree('  sel: {n|gt: 10, m|lte: 2.5}\n  o: {p|lt: 0, q|gte: -1}\n  condition: sel or o\n', [
      { n: '11', m: '2.5' },
      { n: 'eleven', m: 1 },
      { n: ' 11', m: 1 },
      { n: '1e3', m: '-.5' },
      { p: '-0.1', q: 'true' },
    ]);
  });
  it('exists, fieldref, expand, windash, base64, base64offset, utf16 family', async () => {
    await agree('  sel: {a|exists: true, b|exists: false}\n  condition: sel\n');
    await agree('  sel: {a|fieldref: b}\n  s2: {c|fieldref|contains: d}\n  condition: sel or s2\n');
    await agree("  sel: {ip|expand: '%nets%'}\n  condition: sel\n", [{ ip: '192.168.77.1' }]);
    await agree("  sel: {c|windash|contains: [' -enc ', '/c ']}\n  condition: sel\n");
    await agree("  sel: {c|base64offset|contains: 'http://', d|base64: 'abc'}\n  condition: sel\n");
    await agree(
      "  sel: {c|wide|base64offset|contains: 'ping', d|utf16be|base64: 'x', e|utf16|base64: 'y', f|utf16le: 'z'}\n  condition: sel\n",
    );
  });
  it('keywords search the given fields', async () => {
    await agree('  keywords: [evil, "bad*thing"]\n  condition: keywords\n', [
      { msg: 'so EVIL' },
      { msg: 'BAD old thing!' },
    ]);
  });
  it('values cannot leave their literals: quotes, backslashes, newlines, NUL, unicode', async () => {
    const awkward = [
      "it's",
      'back\\slash',
      'two\\\\',
      'new\nline',
      'nul\u0000byte',
      '%_[x]',
      '😀 emoji',
      "'; DROP TABLE x; --",
    ];
    const list = awkward.map((v) => JSON.stringify(v)).join(', ');
    const eq = await agree(`  sel: {a: [${list}]}\n  condition: sel\n`, [
      ...awkward.map((a) => ({ a: a.replaceAll('\\\\', '\\') })),
      { a: 'its' },
      { a: 'newline' },
    ]);
    expect(eq.events).toBeGreaterThan(awkward.length);
  });
});

/** A table with a list inside a list (no source has one yet): groups[].members[]. */
const NESTED: TableSchema = {
  name: 'nested',
  description: 'test table',
  timeColumn: 'ts',
  columns: [
    {
      name: 'groups',
      type: { list: { struct: { name: 'string', members: { list: 'string' } } } },
      description: '',
    },
    { name: 'matrix', type: { list: { list: 'string' } }, description: '' },
  ],
};
const nested = schemaPipeline({ name: 'nested', schema: NESTED, logsource: { product: 'nested' } });

/**
 * On the pipeline's own table, where lists are lists: the sample events put each value after a
 * decoy element, share or spread a list's elements between fields, and empty the lists; `extra` rows
 * (in the table's shape) add NULL lists and NULL elements.
 */
async function agreeOnTable(
  logsource: string,
  detection: string,
  extra: Record<string, unknown>[] = [],
  pipeline?: Pipeline,
) {
  const [rule] = parseRules(`title: L\nlogsource: ${logsource}\ndetection:\n${detection}`);
  const d = rule as DetectionRule;
  const p = pipeline ?? (pipelineFor(d.logsource) as Pipeline);
  expect(readsLists(d, p)).toBe(true);
  const eq = await checkPipelineEquivalence(conn, d, p, {}, extra, pipeline ? [NESTED] : undefined);
  expect(eq.skipped).toBeUndefined();
  expect(eq.mismatches).toEqual([]);
  expect(eq.matched).toBeGreaterThan(0);
  expect(eq.matched).toBeLessThan(eq.events);
  return eq;
}

describe('matcher and DuckDB agree on fields inside lists, on the real table types', () => {
  const okta = '{product: okta, service: okta}';
  const target = (type: string | null, alternateid: string | null) => ({ type, alternateid });
  it('okta target: any element, two tests on different elements, null, exists, not', async () => {
    const extra = [
      { target: null },
      { target: [] },
      { target: [null, target(null, null)] },
      { target: [target('App', 'x'), target('User', 'A@CORP.example')] },
    ];
    await agreeOnTable(
      okta,
      "  sel: {target.type: User, target.alternateId|endswith: '@corp.example'}\n  condition: sel\n",
      extra,
    );
    await agreeOnTable(okta, '  sel: {target.alternateId: null}\n  condition: sel\n', extra);
    await agreeOnTable(okta, '  sel: {target.alternateId|exists: true}\n  condition: not sel\n', extra);
    await agreeOnTable(
      okta,
      "  sel: {eventType: user.session.start}\n  f: {target.displayName|contains: ['Admin', 'Console']}\n  condition: sel and not f\n",
      extra,
    );
  });
  it('cloudtrail resources, a list of scalars (k8s sourceIPs), a JSON field inside elements', async () => {
    await agreeOnTable(
      '{product: aws, service: cloudtrail}',
      "  sel: {resources.ARN|startswith: 'arn:aws:s3:::', resources.type|re|i: 'bucket$'}\n  condition: sel\n",
      [
        {
          resources: [
            { arn: null, type: 'AWS::S3::Bucket' },
            { arn: 'arn:aws:s3:::b', type: null },
          ],
        },
      ],
    );
    await agreeOnTable(
      '{product: kubernetes, service: audit}',
      '  sel: {sourceIPs|cidr: [10.0.0.0/8, "2001:db8::/32"]}\n  n: {sourceIPs: null}\n  condition: sel or n\n',
      [{ sourceips: ['192.0.2.1', '2001:DB8::1'] }, { sourceips: [null] }],
    );
    await agreeOnTable(
      okta,
      "  sel: {target.detailEntry.methodTypeUsed: 'Okta Verify'}\n  condition: sel\n",
      [{ target: [{ detailentry: '{"methodTypeUsed": "okta verify"}' }] }],
    );
  });
  it('a list inside a list, a list of lists', async () => {
    await agreeOnTable(
      '{product: nested}',
      '  sel: {groups.members: admin*}\n  n: {groups.members|exists: false}\n  condition: sel or n\n',
      [
        {
          groups: [
            { name: 'a', members: [] },
            { name: 'b', members: [null, 'ADMINS'] },
          ],
        },
        { groups: [null] },
      ],
      nested,
    );
    await agreeOnTable(
      '{product: nested}',
      "  sel: {matrix|contains: 'x'}\n  condition: not sel\n",
      [{ matrix: [['a'], null, [null, 'X']] }, { matrix: [[], ['y']] }],
      nested,
    );
  });
});

const corpus = resolve(SHARED, 'sigmahq');
const SAMPLE = [
  'rules/cloud/aws/cloudtrail/aws_update_login_profile.yml',
  'rules/cloud/aws/cloudtrail/aws_cloudtrail_guardduty_detector_deleted_or_updated.yml',
  'rules/cloud/aws/cloudtrail/aws_sts_getsessiontoken_misuse.yml',
  'rules/cloud/aws/cloudtrail/aws_iam_s3browser_templated_s3_bucket_policy_creation.yml',
  'rules/cloud/azure/signin_logs/azure_ad_risky_sign_ins_with_singlefactorauth_from_unknown_devices.yml',
  'rules/cloud/gcp/audit/gcp_breakglass_container_workload_deployed.yml',
  'rules/identity/okta/okta_password_in_alternateid_field.yml',
  'rules/cloud/m365/audit/microsoft365_new_federated_domain_added_audit.yml',
];

describe.skipIf(!existsSync(corpus))('matcher and DuckDB agree on a sample of the SigmaHQ corpus', () => {
  it.each(SAMPLE)('%s', async (file) => {
    const [rule] = parseRules(readFileSync(join(corpus, file), 'utf8'), file);
    const eq = await checkEquivalence(conn, rule as DetectionRule, opts);
    expect(eq.mismatches).toEqual([]);
    expect(eq.matched).toBeGreaterThan(0);
  });
  it.each([
    'rules/identity/okta/okta_new_behaviours_admin_console.yml',
    'rules/cloud/gcp/audit/gcp_access_policy_deleted.yml',
  ])('%s (fields inside lists, on its table)', async (file) => {
    const [rule] = parseRules(readFileSync(join(corpus, file), 'utf8'), file);
    const d = rule as DetectionRule;
    const eq = await checkPipelineEquivalence(conn, d, pipelineFor(d.logsource) as Pipeline, opts);
    expect(eq.mismatches).toEqual([]);
    expect(eq.matched).toBeGreaterThan(0);
  });
  it('the sample exists', () => {
    expect(readdirSync(join(corpus, 'rules/cloud/aws/cloudtrail')).length).toBeGreaterThan(0);
  });
});

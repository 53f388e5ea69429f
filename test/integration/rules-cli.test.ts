import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rulesCommand } from '../../bin/commands/rules.js';
import { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { createApi } from '../../lambdas/api/app.js';
import { RULE_OVERRIDES_PK } from '../../lambdas/core/rulepack/index.js';

const STOP = `title: Trail stopped
id: 5b0e7f43-8a1c-4e2d-9f3b-6c7d8e9f0a1b
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    eventName: StopLogging
    userIdentity.type: Root
    requestParameters.name|startswith: org-
  condition: sel
`;
const ROOT_LOGIN_ID = '28362c63-d5da-5cc7-9413-df427c636813';

describe('mantissa rules (CLI, in process) and the rules API', () => {
  let home: string;
  let dir: string;
  let runtime: LocalRuntime;
  let out: string;
  const run = async (...args: string[]) => {
    out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      return await rulesCommand.run(runtime, args, { version: 'test' });
    } finally {
      spy.mockRestore();
      err.mockRestore();
    }
  };

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'mantissa-rules-cli-'));
    dir = join(home, 'in');
    mkdirSync(dir);
    writeFileSync(join(dir, 'stop.yml'), STOP);
    runtime = new LocalRuntime(home);
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('convert --json: one SQL per rule id, per dialect', async () => {
    expect(await run('convert', join(dir, 'stop.yml'), '--dialect', 'duckdb', '--json')).toBe(0);
    expect(JSON.parse(out)).toEqual({
      '5b0e7f43-8a1c-4e2d-9f3b-6c7d8e9f0a1b': {
        sql: `SELECT * FROM cloudtrail WHERE lower("eventname") = 'stoplogging' AND lower("useridentity"."type") = 'root' AND lower(json_extract_string("requestparameters", '$.name')) LIKE 'org-%' ESCAPE '\\'`,
      },
    });
    expect(await run('convert', dir, '--dialect', 'athena', '--json')).toBe(0);
    expect(Object.values(JSON.parse(out) as Record<string, { sql: string }>)[0]?.sql).toContain(
      `json_extract_scalar("requestparameters", '$.name')`,
    );
  });

  it('convert --no-pipeline --table: Sigma names as they are, dotted names as nested fields', async () => {
    expect(
      await run(
        'convert',
        join(dir, 'stop.yml'),
        '--dialect',
        'duckdb',
        '--no-pipeline',
        '--table',
        'events',
        '--json',
      ),
    ).toBe(0);
    expect(JSON.parse(out)['5b0e7f43-8a1c-4e2d-9f3b-6c7d8e9f0a1b'].sql).toBe(
      `SELECT * FROM events WHERE lower(CAST("eventName" AS VARCHAR)) = 'stoplogging' AND lower(CAST("userIdentity"."type" AS VARCHAR)) = 'root' AND lower(CAST("requestParameters"."name" AS VARCHAR)) LIKE 'org-%' ESCAPE '\\'`,
    );
    await expect(run('convert', dir, '--dialect', 'duckdb', '--no-pipeline')).rejects.toThrow(
      '--no-pipeline needs --table NAME',
    );
    await expect(run('convert', dir, '--dialect', 'oracle')).rejects.toThrow('--dialect must be one of');
  });

  it('convert reports a rule that does not convert, with exit 1', async () => {
    const bad = join(home, 'bad');
    mkdirSync(bad);
    writeFileSync(
      join(bad, 'typo.yml'),
      STOP.replace('5b0e7f43', '6b0e7f43').replace('eventName:', 'evntName:'),
    );
    expect(await run('convert', bad, '--dialect', 'duckdb', '--json')).toBe(1);
    expect(JSON.parse(out)).toEqual({
      '6b0e7f43-8a1c-4e2d-9f3b-6c7d8e9f0a1b': {
        error: `${join(bad, 'typo.yml')}:6 evntName: field 'evntName' is not a column of table cloudtrail`,
      },
    });
  });

  it('lint: exit 1 on errors, JSON report', async () => {
    expect(await run('lint', join(home, 'bad'), '--json')).toBe(1);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ files: 1, rules: 1, errors: 1 });
    expect(report.findings.map((f: { check: string; line: number }) => [f.check, f.line])).toContainEqual([
      'unknown-field',
      6,
    ]);
    expect(await run('lint', dir)).toBe(0);
    expect(out).toMatch(/1 rules in 1 files: 0 errors, \d+ warnings\n$/);
  });

  it('import: copies what runs, refuses the rest with a reason per rule', async () => {
    const corpus = join(home, 'sigmahq', 'rules', 'cloud');
    mkdirSync(corpus, { recursive: true });
    writeFileSync(join(corpus, 'good.yml'), STOP);
    writeFileSync(
      join(corpus, 'old.yml'),
      STOP.replace('5b0e7f43', '7b0e7f43').replace('logsource', 'status: deprecated\nlogsource'),
    );
    writeFileSync(
      join(corpus, 'win.yml'),
      STOP.replace('5b0e7f43', '8b0e7f43').replace(
        '{product: aws, service: cloudtrail}',
        '{product: windows, category: process_creation}',
      ),
    );
    writeFileSync(
      join(corpus, 'typo.yml'),
      STOP.replace('5b0e7f43', '9b0e7f43').replace('eventName:', 'evntName:'),
    );
    expect(await run('import', join(home, 'sigmahq'), '--json')).toBe(0);
    const report = JSON.parse(out);
    expect(report.imported).toBe(1);
    expect(
      report.refused.map((d: { rule: string; reason: string }) => [d.rule.slice(0, 8), d.reason]),
    ).toEqual([
      ['7b0e7f43', 'deprecated'],
      ['9b0e7f43', expect.stringContaining('conversion error (duckdb): ') as unknown as string],
      ['8b0e7f43', 'no pipeline for its logsource (product=windows category=process_creation)'],
    ]);
    const target = join(home, 'rules', 'sigma', 'imported', 'rules', 'cloud');
    expect(readdirSync(target)).toEqual(['good.yml']);
    expect(readFileSync(join(target, 'good.yml'), 'utf8')).toBe(STOP);
  });

  it('enable / disable: an override in the state store; unknown ids refused', async () => {
    expect(await run('disable', ROOT_LOGIN_ID, '--json')).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ id: ROOT_LOGIN_ID, enabled: false, by: 'cli' });
    const item = await runtime.state.get<{ enabled: boolean }>(RULE_OVERRIDES_PK, ROOT_LOGIN_ID);
    expect(item?.value.enabled).toBe(false);
    expect(await run('list', '--json')).toBe(0);
    const listed = JSON.parse(out).rules.find((r: { id: string }) => r.id === ROOT_LOGIN_ID);
    expect(listed).toMatchObject({
      kind: 'sigma',
      enabled: false,
      overridden: true,
      title: 'AWS root user signed in to the console',
    });
    expect(await run('enable', ROOT_LOGIN_ID)).toBe(0);
    expect(
      (await runtime.state.get<{ enabled: boolean }>(RULE_OVERRIDES_PK, ROOT_LOGIN_ID))?.value.enabled,
    ).toBe(true);
    expect(await run('disable', 'no-such-rule')).toBe(1);
    await expect(run('frobnicate')).rejects.toThrow('unknown rules command "frobnicate"');
  });

  it('API: lint and convert for any role, enable/disable for admins only', async () => {
    const key = await runtime.signingKey();
    const app = createApi({
      verifier: key.verifier(),
      alerts: runtime.alerts,
      query: await runtime.query(),
      clock: runtime.clock,
      tables: runtime.tables,
      rules: () => [],
      sigmaRules: async () => {
        const { sigma } = await runtime.rules();
        return [...sigma.events, ...sigma.queries];
      },
      state: runtime.state,
      version: 'test',
    });
    const viewer = await key.issue({ role: 'viewer' });
    const admin = await key.issue({ role: 'admin', subject: 'ada' });
    const call = (method: string, path: string, token: string, body?: unknown) =>
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });

    const converted = await call('POST', '/api/v1/rules/convert', viewer, {
      files: [{ path: 'x.yml', text: STOP }],
      dialect: 'athena',
    });
    expect(converted.status).toBe(200);
    expect(Object.keys((await converted.json()) as object)).toEqual(['5b0e7f43-8a1c-4e2d-9f3b-6c7d8e9f0a1b']);
    const linted = await call('POST', '/api/v1/rules/lint', viewer, {
      files: [{ path: 'x.yml', text: STOP.replace('eventName:', 'evntName:') }],
    });
    expect(((await linted.json()) as { errors: number }).errors).toBe(1);
    expect((await call('POST', '/api/v1/rules/lint', viewer, { files: [] })).status).toBe(400);

    const listed = (await (await call('GET', '/api/v1/rules', viewer)).json()) as {
      rules: { sigmaId?: string; kind: string }[];
    };
    expect(listed.rules.some((r) => r.kind === 'sigma' && r.sigmaId === ROOT_LOGIN_ID)).toBe(true);

    expect((await call('PATCH', `/api/v1/rules/${ROOT_LOGIN_ID}`, viewer, { enabled: false })).status).toBe(
      403,
    );
    expect((await call('PATCH', '/api/v1/rules/nope', admin, { enabled: false })).status).toBe(404);
    expect((await call('PATCH', `/api/v1/rules/${ROOT_LOGIN_ID}`, admin, { enabled: 'no' })).status).toBe(
      400,
    );
    const patched = await call('PATCH', `/api/v1/rules/${ROOT_LOGIN_ID}`, admin, { enabled: false });
    expect(await patched.json()).toMatchObject({ id: ROOT_LOGIN_ID, enabled: false, by: 'ada' });
    const after = (await (await call('GET', '/api/v1/rules', viewer)).json()) as {
      rules: { sigmaId?: string; enabled: boolean; overridden: boolean }[];
    };
    expect(after.rules.find((r) => r.sigmaId === ROOT_LOGIN_ID)).toMatchObject({
      enabled: false,
      overridden: true,
    });
  });
});

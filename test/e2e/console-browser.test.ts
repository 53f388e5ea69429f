/**
 * The console in a real browser (Debian's Chromium, driven by puppeteer-core): locally against the
 * local server with a pasted token, and as deployed on AWS, signing in through Cognito's hosted UI
 * (authorization code + PKCE) and calling the API through API Gateway, each played by a local peer
 * that checks its side of the contract (console-peers.ts). `.ci/run` installs Chromium; elsewhere
 * the suite is skipped, saying why, when no browser is found.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet } from 'jose';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../lambdas/adapters/local/runtime.js';
import { type LocalServer, startLocalServer } from '../../lambdas/adapters/local/server.js';
import { createJwtVerifier } from '../../lambdas/api/auth.js';
import { createApiHandler } from '../../lambdas/handlers/api.js';
import { CLIENT_ID, ISSUER, POOL_ID, startCognitoKeys } from '../aws/cognito-peer.js';
import { lambdaContext } from '../aws/events.js';
import { consoleLogin, ctRecord } from '../fixtures/cloudtrail-records.js';
import {
  apiGateway,
  consoleFiles,
  type GatewayLog,
  type HostedUiLog,
  hostedUi,
  type Peer,
  reserve,
} from './console-peers.js';

const CHROMIUM = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
]
  .filter((p): p is string => Boolean(p))
  .find((p) => existsSync(p));
if (!CHROMIUM) {
  console.warn(
    'console-browser: skipped, no Chromium found (apt-get install chromium, or set CHROMIUM_PATH); .ci/run installs it',
  );
}

/** A runtime with one brute-force-then-success sign-in series, so detection has raised an alert. */
async function runtimeWithAlert(home: string): Promise<LocalRuntime> {
  const runtime = new LocalRuntime(home);
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const records = [
    ctRecord({ eventID: 'b-1' }),
    ...Array.from({ length: 6 }, (_, i) =>
      consoleLogin({ user: 'bob', ip: '203.0.113.9', at: at(20 - i), success: false }),
    ),
    consoleLogin({ user: 'bob', ip: '203.0.113.9', at: at(10), success: true }),
  ];
  const file = join(home, 'in.json');
  writeFileSync(file, JSON.stringify({ Records: records }));
  await runtime.ingestFile(file, 'cloudtrail');
  const report = await runtime.detect();
  expect(report.raised.length).toBeGreaterThan(0);
  return runtime;
}

const rowsOf = (page: Page, table: string) =>
  page.$$eval(`#${table} tbody tr`, (rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')),
  );
const statusText = (page: Page) => page.$eval('#status', (el) => el.textContent ?? '');
// Page-side code is passed as expressions: the project compiles without the DOM library.
const waitForRows = (page: Page, table: string) =>
  page.waitForFunction(`document.querySelectorAll('#${table} tbody tr').length > 0`, { timeout: 15_000 });
const waitForStatus = (page: Page) =>
  page.waitForFunction("(document.getElementById('status')?.textContent ?? '') !== ''", { timeout: 10_000 });
const waitForSignInButton = (page: Page) =>
  page.waitForFunction("!document.getElementById('sign-in').hidden", { timeout: 10_000 });
const hidden = (page: Page, id: string) =>
  page.$eval(`#${id}`, (el) => (el as unknown as { hidden: boolean }).hidden);

describe.skipIf(!CHROMIUM)('the console in Chromium', () => {
  let browser: Browser;
  const scratch: string[] = [];
  beforeAll(async () => {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Containers run as root, where Chromium's sandbox cannot start.
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  describe('locally: a pasted token, alerts, SQL, and roles', () => {
    let runtime: LocalRuntime;
    let server: LocalServer;
    beforeAll(async () => {
      const home = mkdtempSync(join(tmpdir(), 'mantissa-console-local-'));
      scratch.push(home);
      runtime = await runtimeWithAlert(home);
      server = await startLocalServer(runtime, { port: 0, detectEveryMs: 0, version: 'test' });
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await runtime?.close();
    });

    it('lists alerts and runs SQL for a viewer, and shows the 403 when a viewer tries to resolve', async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(String(err)));
      await page.goto(`${server.url}/`);
      // No config.json locally: the token form, no hosted-UI buttons.
      expect(await hidden(page, 'login')).toBe(false);
      expect(await hidden(page, 'sign-in')).toBe(true);
      const key = await runtime.signingKey();
      await page.type('#token', await key.issue({ role: 'viewer' }));
      await page.click('#login button[type=submit]');
      await waitForRows(page, 'alerts');
      const alerts = await runtime.alerts.list();
      const rows = await rowsOf(page, 'alerts');
      expect(rows.map((r) => r.slice(0, 5))).toEqual(
        alerts.map((a) => [a.severity, a.status, a.lastSeen, String(a.count), a.title]),
      );

      await page.$eval('#sql', (el) => {
        (el as unknown as { value: string }).value =
          "SELECT eventname, count(*) AS events FROM cloudtrail WHERE eventname = 'ConsoleLogin' GROUP BY 1";
      });
      await page.click('#sql-form button[type=submit]');
      await waitForRows(page, 'result');
      expect(await page.$$eval('#result thead td', (tds) => tds.map((td) => td.textContent))).toEqual([
        'eventname (VARCHAR)',
        'events (BIGINT)',
      ]);
      expect(await rowsOf(page, 'result')).toEqual([['ConsoleLogin', '7']]);

      await page.click('#alerts tbody tr button');
      await waitForStatus(page);
      expect(await statusText(page)).toMatch(/analyst/);
      expect((await runtime.alerts.list()).map((a) => a.status)).toEqual(alerts.map((a) => a.status));
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });

  describe('on AWS: Cognito hosted UI with PKCE, API Gateway, sign out', () => {
    let runtime: LocalRuntime;
    let keys: Awaited<ReturnType<typeof startCognitoKeys>>;
    const peers: Peer[] = [];
    let site: Awaited<ReturnType<typeof reserve>>;
    const auth: HostedUiLog = { authorize: [], token: [], logout: [], refused: [] };
    const gateway: GatewayLog = { calls: [], preflights: 0 };
    let deny = false;
    let issued = '';

    beforeAll(async () => {
      const home = mkdtempSync(join(tmpdir(), 'mantissa-console-aws-'));
      scratch.push(home);
      runtime = await runtimeWithAlert(home);
      keys = await startCognitoKeys();
      site = await reserve();
      const cognito = await reserve();
      const api = await reserve();
      peers.push(site, cognito, api);
      site.serve(
        consoleFiles(
          {
            apiUrl: `${api.url}/prod/`,
            region: 'us-east-1',
            userPoolId: POOL_ID,
            clientId: CLIENT_ID,
            authDomain: cognito.url,
          },
          // The deployed policy (lib/console.ts) with these peers in place of the AWS endpoints.
          `default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ${api.url} ${cognito.url}; form-action 'self' ${cognito.url}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'`,
        ),
      );
      cognito.serve(
        hostedUi({
          clientId: CLIENT_ID,
          consoleOrigin: site.url,
          idToken: async () => {
            issued = await keys.idToken(['analyst']);
            return issued;
          },
          log: auth,
          deny: () => deny,
        }),
      );
      const handler = createApiHandler(
        {
          verifier: createJwtVerifier({
            keys: createRemoteJWKSet(keys.jwks),
            issuer: ISSUER,
            audience: CLIENT_ID,
          }),
          alerts: runtime.alerts,
          query: await runtime.query(),
          clock: runtime.clock,
          tables: runtime.tables,
          rules: () => [],
          version: 'test',
        },
        site.url,
      );
      api.serve(
        apiGateway({
          consoleOrigin: site.url,
          handler: (event) => handler(event, lambdaContext('api')),
          log: gateway,
        }),
      );
    }, 120_000);
    afterAll(async () => {
      for (const peer of peers) await peer.close();
      await keys?.close();
      await runtime?.close();
    });

    it('signs in with PKCE, lists and resolves alerts with the ID token, runs SQL, signs out', async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(String(err)));
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      await page.goto(`${site.url}/`);
      await waitForSignInButton(page);
      expect(await hidden(page, 'login')).toBe(true);

      await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
      await waitForRows(page, 'alerts');
      expect(auth.refused).toEqual([]);
      const [authorize] = auth.authorize;
      expect(authorize).toMatchObject({
        response_type: 'code',
        client_id: CLIENT_ID,
        redirect_uri: `${site.url}/`,
        scope: 'openid email profile',
        code_challenge_method: 'S256',
      });
      expect(auth.token).toHaveLength(1);
      expect(auth.token[0]).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID });
      // Back on a clean address: the code and state are gone from the URL.
      expect(page.url()).toBe(`${site.url}/`);
      // Every API call carried the ID token (the authorizer and the app read cognito:groups from it).
      expect(gateway.calls.length).toBeGreaterThan(0);
      expect(gateway.calls.every((c) => c.authorization === `Bearer ${issued}`)).toBe(true);
      expect(gateway.preflights).toBeGreaterThan(0);

      const alerts = await runtime.alerts.list();
      expect((await rowsOf(page, 'alerts')).map((r) => r[4])).toEqual(alerts.map((a) => a.title));
      const target = alerts[0];
      await page.click('#alerts tbody tr td:last-child button:last-child');
      await page.waitForFunction(
        "[...document.querySelectorAll('#alerts tbody tr td:nth-child(2)')].some((td) => td.textContent === 'resolved')",
        { timeout: 10_000 },
      );
      expect((await runtime.alerts.get(target?.id ?? ''))?.status).toBe('resolved');
      expect(gateway.calls.find((c) => c.method === 'PATCH')?.path).toBe(
        `/api/v1/alerts/${encodeURIComponent(target?.id ?? '')}`,
      );

      await page.click('#sql-form button[type=submit]');
      await waitForRows(page, 'result');
      expect((await rowsOf(page, 'result')).find((r) => r[0] === 'ConsoleLogin')).toEqual([
        'ConsoleLogin',
        '7',
      ]);

      await Promise.all([page.waitForNavigation(), page.click('#sign-out')]);
      expect(auth.logout).toEqual([{ client_id: CLIENT_ID, logout_uri: `${site.url}/` }]);
      await waitForSignInButton(page);
      expect(await page.evaluate("sessionStorage.getItem('mantissa-token')")).toBeNull();
      expect(auth.refused).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }, 90_000);

    it('shows a refused sign-in, and refuses a callback it did not start', async () => {
      const page = await browser.newPage();
      deny = true;
      await page.goto(`${site.url}/`);
      await waitForSignInButton(page);
      await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
      await waitForStatus(page);
      expect(await statusText(page)).toBe('Sign-in failed: User is not confirmed.');
      deny = false;

      // A code delivered to a browser that never started this sign-in (a login CSRF) is not traded.
      const tokenCalls = auth.token.length;
      await page.goto(`${site.url}/?code=stolen&state=not-ours`);
      await waitForStatus(page);
      expect(await statusText(page)).toBe('Sign-in was not started here: sign in again.');
      expect(auth.token.length).toBe(tokenCalls);
      await page.close();
    }, 60_000);
  });
});

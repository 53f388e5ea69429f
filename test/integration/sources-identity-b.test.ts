/**
 * GCP audit, GitHub audit and Kubernetes audit through the real ingest (DuckDB Parquet encoder,
 * files on disk) and the DuckDB query engine: the sample generators' files, the real samples under
 * ../shared/datasets, identity_events rows, and one SigmaHQ rule per source run on the tables.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertRule } from '../../lambdas/core/sigma/index.js';
import { generateGcpAuditEntries } from '../../lambdas/core/sources/gcp_audit/sample.js';
import { generateGithubAuditEvents } from '../../lambdas/core/sources/github/sample.js';
import { generateK8sAuditEvents } from '../../lambdas/core/sources/k8s_audit/sample.js';
import { fixtureRecords, ndjsonBody, sigmaRule } from '../fixtures/datasets.js';
import { ingestSourceSample, type Lake, openLake } from '../fixtures/lake.js';
import { SIGMAHQ_RULES } from '../fixtures/shared.js';

const SIGMA = SIGMAHQ_RULES;
const OPTS = { end: new Date('2026-11-20T18:00:00Z'), days: 1, seed: 42 };

describe('SaaS sources B: GCP audit, GitHub, Kubernetes (real ingest, real DuckDB)', () => {
  let lake: Lake;
  beforeAll(async () => {
    lake = await openLake();
  });
  afterAll(() => lake.close());

  const ingest = (sourceObject: string, body: Uint8Array, source?: string) =>
    lake.ingestBody(sourceObject, body, source);
  const ingestSample = (name: string) => ingestSourceSample(lake, name, OPTS);
  const rows = (sql: string) => lake.query(sql);
  const ndjson = ndjsonBody;

  describe('gcp_audit', () => {
    it('keeps every entry of the GCS sink files and derives a privilege change from the owner grant', async () => {
      const entries = generateGcpAuditEntries(OPTS);
      const reports = await ingestSample('gcp_audit');
      expect(reports.reduce((n, r) => n + r.written, 0)).toBe(entries.length);
      expect(
        await rows(
          `SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM gcp_audit WHERE source_object LIKE 'sample/%'`,
        ),
      ).toEqual([{ n: entries.length, ids: entries.length }]);
      const attack = await rows(
        `SELECT protopayload.methodname AS method, protopayload.authenticationinfo.principalemail AS who,
                protopayload.authenticationinfo.serviceaccountkeyname IS NOT NULL AS with_key, resource.type AS rtype
         FROM gcp_audit WHERE protopayload.requestmetadata.callerip LIKE '185.220.101.%' ORDER BY ts`,
      );
      expect(attack).toEqual([
        {
          method: 'google.iam.admin.v1.CreateServiceAccountKey',
          who: 'dev.contractor@acme.io',
          with_key: false,
          rtype: 'service_account',
        },
        { method: 'SetIamPolicy', who: 'dev.contractor@acme.io', with_key: false, rtype: 'project' },
        {
          method: 'storage.buckets.list',
          who: 'deploy-bot@acme-prod-291512.iam.gserviceaccount.com',
          with_key: true,
          rtype: 'gcs_bucket',
        },
        {
          method: 'storage.buckets.getIamPolicy',
          who: 'deploy-bot@acme-prod-291512.iam.gserviceaccount.com',
          with_key: true,
          rtype: 'gcs_bucket',
        },
      ]);
      const grants = entries.filter((e) => JSON.stringify(e).includes('"methodName":"SetIamPolicy"')).length;
      expect(await rows(`SELECT count(*) AS n FROM identity_events WHERE provider = 'gcp'`)).toEqual([
        { n: grants },
      ]);
      expect(
        await rows(
          `SELECT event_type, outcome, user_name, actor_name, target, reason FROM identity_events
           WHERE provider = 'gcp' AND source_ip LIKE '185.220.101.%'`,
        ),
      ).toEqual([
        {
          event_type: 'privilege_change',
          outcome: 'success',
          user_name: 'acme.backup.ops@gmail.com',
          actor_name: 'dev.contractor@acme.io',
          target: 'ADD roles/owner',
          reason: 'SetIamPolicy on projects/acme-prod-291512',
        },
      ]);
    });

    it('converts SigmaHQ "GCP Bucket Enumeration" and selects the stolen key listing buckets', async () => {
      const rule = sigmaRule('cloud/gcp/audit/gcp_bucket_enumeration.yml');
      if (!rule) return;
      const converted = convertRule(rule, { dialect: 'duckdb' });
      if (!('sql' in converted)) throw new Error(converted.error);
      expect(
        await rows(`SELECT protopayload.authenticationinfo.principalemail AS who FROM (${converted.sql}) m`),
      ).toEqual([{ who: 'deploy-bot@acme-prod-291512.iam.gserviceaccount.com' }]);
    });

    it('maps both SigmaHQ GCP spellings (ECS gcp.audit.method_name, data.protoPayload.*), fields inside lists too', () => {
      const dir = join(SIGMA, 'cloud/gcp/audit');
      if (!existsSync(dir)) return;
      const results = readdirSync(dir)
        .sort()
        .map((f) => ({ f, r: convertRule(readFileSync(join(dir, f), 'utf8'), { dialect: 'duckdb' }) }));
      expect(results.filter(({ r }) => 'sql' in r).length).toBe(16);
      expect(results.flatMap(({ f, r }) => ('error' in r ? [[f, r.error]] : []))).toEqual([]);
      // authorizationInfo is a list: its permission is tested on every element (see docs/sigma-rules.md).
      const policy = results.find(({ f }) => f === 'gcp_access_policy_deleted.yml')?.r;
      expect(policy && 'sql' in policy ? policy.sql : '').toContain(
        'list_transform("protopayload"."authorizationinfo", lambda _x1: ',
      );
      const breakglass = results.find(({ f }) => f === 'gcp_breakglass_container_workload_deployed.yml')?.r;
      expect(breakglass && 'sql' in breakglass ? breakglass.sql : '').toContain(
        `lower("resource"."type") = 'k8s_cluster'`,
      );
    });

    it('reads entries.list pages and Pub/Sub pushes; event_id is the same whichever way an entry arrives', async () => {
      const [first, second] = generateGcpAuditEntries(OPTS);
      const page = await ingest(
        'api/gcp-entries-page-1.json',
        Buffer.from(JSON.stringify({ entries: [first, second] })),
      );
      expect(page).toMatchObject({ source: 'gcp_audit', detectedBy: 'content', records: 2, written: 2 });
      const push = (data: string) => ({
        message: { data, messageId: '1' },
        subscription: 'projects/p/subscriptions/audit',
      });
      const pushed = await ingest(
        'push/gcp-pubsub.ndjson',
        ndjson([
          push(Buffer.from(JSON.stringify(first)).toString('base64')),
          push(Buffer.from('not json').toString('base64')),
          { ...first, protoPayload: undefined, jsonPayload: { message: 'app log' } },
        ]),
        'gcp_audit',
      );
      expect(pushed).toMatchObject({ records: 3, written: 1, quarantined: 2 });
      expect(pushed.reasons).toEqual([
        { position: 'line 2', reason: 'Pub/Sub message.data is not base64 JSON of a LogEntry' },
        {
          position: 'line 3',
          reason:
            'not a Cloud Audit Logs entry: no protoPayload object (jsonPayload/textPayload logs are not audit logs)',
        },
      ]);
      const ids = await rows(
        `SELECT source_object, event_id FROM gcp_audit WHERE source_object IN ('api/gcp-entries-page-1.json', 'push/gcp-pubsub.ndjson')
         AND insertid = '${first?.insertId}' ORDER BY source_object`,
      );
      expect(ids.length).toBe(2);
      expect(ids[0]?.event_id).toBe(ids[1]?.event_id);
      expect(ids[0]?.event_id).toMatch(/^gcp-[0-9a-f]{32}$/);
    });

    it('the sample is deterministic per seed and ends before opts.end', () => {
      const a = generateGcpAuditEntries(OPTS);
      expect(generateGcpAuditEntries(OPTS)).toEqual(a);
      expect(generateGcpAuditEntries({ ...OPTS, seed: 43 })).not.toEqual(a);
      expect(Date.parse(a[a.length - 1]?.timestamp ?? '')).toBeLessThan(OPTS.end.getTime());
      expect(Date.parse(a[0]?.timestamp ?? '')).toBeGreaterThanOrEqual(OPTS.end.getTime() - 86_400_000);
    });

    it('ingests the Panther GCP.AuditLog tests: complete entries kept, the rest quarantined with the reason', async () => {
      const events = fixtureRecords('', 'gcp_audit/panther-analysis_rule-tests.jsonl');
      if (!events) return;
      const report = await ingest('datasets/gcp_audit/panther.ndjson', ndjson(events), 'gcp_audit');
      expect(report).toMatchObject({
        records: 206,
        written: 139,
        quarantined: 67,
        tables: { gcp_audit: 139, identity_events: 14 },
      });
      // One SetIamPolicy there changes two bindings: one identity event per binding delta.
      expect(
        await rows(`SELECT event_type, user_name, target FROM identity_events
                    WHERE source_object = 'datasets/gcp_audit/panther.ndjson' AND event_id LIKE '%#%' ORDER BY event_id`),
      ).toEqual(
        ['ADD roles/iam.serviceAccountTokenCreator', 'ADD roles/iam.serviceAccountUser'].map((target) => ({
          event_type: 'privilege_change',
          user_name: 'test-account3@gcp-project1.iam.gserviceaccount.com',
          target,
        })),
      );
      expect(report.reasons.slice(0, 3)).toEqual([
        { position: 'line 5', reason: 'missing or non-text required field protoPayload.methodName' },
        { position: 'line 7', reason: 'resource: expected an object, got "..."' },
        { position: 'line 9', reason: 'resource: expected an object, got "..."' },
      ]);
      // Some of Panther's copies spell the fields in lower case (protopayload, insertid): they land alike.
      expect(
        await rows(`SELECT protopayload.methodname AS method, count(*) AS n FROM gcp_audit
                    WHERE source_object = 'datasets/gcp_audit/panther.ndjson'
                    GROUP BY 1 ORDER BY n DESC, method LIMIT 3`),
      ).toEqual([
        { method: 'v2.deploymentmanager.deployments.insert', n: 14 },
        { method: 'io.k8s.core.v1.pods.create', n: 11 },
        { method: 'SetIamPolicy', n: 7 },
      ]);
    });
  });

  describe('github_audit', () => {
    it('keeps every streamed event and derives token, member and owner identity rows', async () => {
      const events = generateGithubAuditEvents(OPTS);
      const reports = await ingestSample('github');
      expect(reports.reduce((n, r) => n + r.written, 0)).toBe(events.length);
      expect(
        await rows(
          `SELECT action, repo, visibility, name, permission, old_permission, programmatic_access_type AS pat
           FROM github_audit WHERE actor = 'old-maintainer' AND action NOT LIKE 'git.%' ORDER BY ts`,
        ),
      ).toEqual([
        {
          action: 'personal_access_token.access_granted',
          repo: null,
          visibility: null,
          name: null,
          permission: null,
          old_permission: null,
          pat: null,
        },
        {
          action: 'repo.access',
          repo: 'acme-corp/payments-service',
          visibility: 'public',
          name: null,
          permission: null,
          old_permission: null,
          pat: 'Fine-grained personal access token',
        },
        {
          action: 'protected_branch.destroy',
          repo: 'acme-corp/payments-service',
          visibility: null,
          name: 'main',
          permission: null,
          old_permission: null,
          pat: 'Fine-grained personal access token',
        },
        {
          action: 'org.update_member',
          repo: null,
          visibility: null,
          name: null,
          permission: 'admin',
          old_permission: 'read',
          pat: 'Fine-grained personal access token',
        },
      ]);
      expect(
        await rows(
          `SELECT count(*) AS n FROM github_audit WHERE actor = 'old-maintainer' AND action = 'git.clone'`,
        ),
      ).toEqual([{ n: 5 }]);
      expect(
        await rows(
          `SELECT json_extract_string(details, '$.previous_visibility') AS before FROM github_audit WHERE action = 'repo.access'`,
        ),
      ).toEqual([{ before: 'private' }]);
      expect(
        await rows(
          `SELECT event_type, outcome, user_name, actor_name, target, reason, country FROM identity_events
           WHERE provider = 'github' AND 'old-maintainer' IN (user_name, actor_name) ORDER BY ts`,
        ),
      ).toEqual([
        {
          event_type: 'token_issued',
          outcome: 'success',
          user_name: 'old-maintainer',
          actor_name: null,
          target: 'repo,admin:org',
          reason: 'personal_access_token.access_granted',
          country: 'NL',
        },
        {
          event_type: 'privilege_change',
          outcome: 'success',
          user_name: 'acme-ops-helper',
          actor_name: 'old-maintainer',
          target: 'admin',
          reason: 'org.update_member (was read)',
          country: 'NL',
        },
      ]);
      const memberChanges = events.filter(
        (e) => e.action === 'org.add_member' || e.action === 'team.add_member',
      ).length;
      expect(
        await rows(
          `SELECT count(*) AS n FROM identity_events WHERE provider = 'github' AND actor_name = 'priya-r'`,
        ),
      ).toEqual([{ n: memberChanges }]);
    });

    it('converts SigmaHQ "New Github Organization Member Added" and selects exactly the new hires', async () => {
      const rule = sigmaRule('application/github/audit/github_new_org_member.yml');
      if (!rule) return;
      const converted = convertRule(rule, { dialect: 'duckdb' });
      if (!('sql' in converted)) throw new Error(converted.error);
      const hires = generateGithubAuditEvents(OPTS)
        .filter((e) => e.action === 'org.add_member')
        .map((e) => e._document_id);
      const found = await rows(
        `SELECT event_id FROM (${converted.sql}) m WHERE source_object LIKE 'sample/%' ORDER BY ts`,
      );
      expect(found.map((r) => r.event_id)).toEqual(hires);
    });

    it('ingests the Panther GitHub tests (webhooks quarantined) and GHES syslog lines from StreamAlert', async () => {
      const panther = fixtureRecords('', 'github/panther-analysis_rule-tests.jsonl');
      const streamalert = fixtureRecords('', 'github/streamalert_rule-tests.jsonl');
      if (!panther || !streamalert) return;
      const report = await ingest('datasets/github/panther.ndjson', ndjson(panther), 'github');
      expect(report).toMatchObject({
        records: 183,
        written: 71,
        quarantined: 112,
        tables: { github_audit: 71, identity_events: 6 },
      });
      expect(report.reasons).toContainEqual({
        position: 'line 25',
        reason: 'action "invite_member" is not category.operation: a webhook payload, not an audit event',
      });
      const ghes = await ingest('datasets/ghes-syslog.ndjson', ndjson(streamalert));
      // Six of StreamAlert's lines carry a placeholder created_at of 123 ms after the epoch.
      expect(ghes.reasons).toEqual(
        [7, 8, 9, 10, 11, 12].map((n) => ({
          position: `line ${n}`,
          reason: 'event time 1970-01-01T00:00:00.123Z is before 1990-01-01',
        })),
      );
      expect(ghes).toMatchObject({
        source: 'github',
        detectedBy: 'content',
        records: 18,
        written: 12,
        quarantined: 6,
      });
      expect(
        await rows(
          `SELECT action, count(*) AS n, min(org_id) AS org_id FROM github_audit
           WHERE source_object = 'datasets/ghes-syslog.ndjson' GROUP BY 1 ORDER BY 1 LIMIT 5`,
        ),
      ).toEqual(
        [
          'non.create.action',
          'non.staff.fake_user.action',
          'non.user.promote.action',
          'oauth_application.create',
          'protected_branch.destroy',
        ].map((action) => ({ action, n: 1, org_id: '[1,2013]' })),
      );
    });
  });

  describe('k8s_audit', () => {
    it('keeps every stage of every request; the exec shows at ResponseStarted and ResponseComplete', async () => {
      const events = generateK8sAuditEvents(OPTS);
      const reports = await ingestSample('k8s_audit');
      expect(reports.reduce((n, r) => n + r.written, 0)).toBe(events.length);
      expect(
        await rows(`SELECT count(DISTINCT event_id) AS n FROM k8s_audit WHERE source_object LIKE 'sample/%'`),
      ).toEqual([{ n: events.length }]);
      expect(
        await rows(
          `SELECT stage, verb, objectref.resource AS resource, objectref.subresource AS sub, objectref.namespace AS ns,
                  responsestatus.code AS code, json_extract_string(requestobject, '$.roleRef.name') AS role
           FROM k8s_audit WHERE "user".username = 'contractor-ci' ORDER BY ts`,
        ),
      ).toEqual([
        {
          stage: 'ResponseStarted',
          verb: 'create',
          resource: 'pods',
          sub: 'exec',
          ns: 'kube-system',
          code: 101,
          role: null,
        },
        {
          stage: 'ResponseComplete',
          verb: 'create',
          resource: 'pods',
          sub: 'exec',
          ns: 'kube-system',
          code: 200,
          role: null,
        },
        {
          stage: 'ResponseComplete',
          verb: 'create',
          resource: 'clusterrolebindings',
          sub: null,
          ns: null,
          code: 201,
          role: 'cluster-admin',
        },
      ]);
    });

    // SigmaHQ rules/application/kubernetes/audit (DRL 1.1): "Potential Remote Command Execution In Pod
    // Container" by Leo Tsaousis, and "Kubernetes Rolebinding Modification". The corpus under
    // ../shared/sigmahq has no Kubernetes rules, so their detection sections are quoted here.
    const EXEC_RULE = `title: Potential Remote Command Execution In Pod Container
id: a1b0ca4e-7835-413e-8471-3ff2b8a66be6
status: experimental
logsource:
    category: application
    product: kubernetes
    service: audit
detection:
    selection:
        verb: 'create'
        objectRef.resource: 'pods'
        objectRef.subresource: 'exec'
    condition: selection
level: medium
`;
    const BINDING_RULE = `title: Kubernetes Rolebinding Modification
id: 10b97915-ec8d-455f-a815-9a78926585f6
status: experimental
logsource:
    product: kubernetes
    service: audit
detection:
    selection:
        objectRef.apiGroup: rbac.authorization.k8s.io
        objectRef.resource:
            - clusterrolebindings
            - rolebindings
        verb:
            - create
            - delete
            - patch
            - replace
            - update
    condition: selection
level: medium
`;

    it('SigmaHQ exec and rolebinding rules select the intruder in the sample and the Falco captures', async () => {
      const exec = convertRule(EXEC_RULE, { dialect: 'duckdb' });
      const binding = convertRule(BINDING_RULE, { dialect: 'duckdb' });
      if (!('sql' in exec) || !('sql' in binding)) throw new Error('conversion failed');
      const who = `SELECT "user".username AS who, stage FROM (%s) m WHERE source_object LIKE 'sample/%%' ORDER BY ts`;
      expect(await rows(who.replace('%s', exec.sql).replace('%%', '%'))).toEqual([
        { who: 'contractor-ci', stage: 'ResponseStarted' },
        { who: 'contractor-ci', stage: 'ResponseComplete' },
      ]);
      expect(await rows(who.replace('%s', binding.sql).replace('%%', '%'))).toEqual([
        { who: 'contractor-ci', stage: 'ResponseComplete' },
      ]);

      const falco = fixtureRecords('', 'k8s_audit/falco_k8s-audit-trace-files.jsonl');
      if (!falco) return;
      const report = await ingest('datasets/falco-trace-files.ndjson', ndjson(falco));
      expect(report).toMatchObject({
        source: 'k8s_audit',
        detectedBy: 'content',
        records: 51,
        written: 51,
        quarantined: 0,
      });
      const inFalco = (sql: string) =>
        rows(
          `SELECT objectref.name AS name FROM (${sql}) m WHERE source_object = 'datasets/falco-trace-files.ndjson' ORDER BY name`,
        );
      expect(await inFalco(exec.sql)).toEqual([{ name: 'nginx-deployment-7998647bdf-phvq7' }]);
      expect(await inFalco(binding.sql)).toEqual([
        { name: 'some-reader-binding' },
        { name: 'some-reader-binding' },
        { name: 'some-reader-binding' },
      ]);
    });

    it('unwraps the webhook backend EventList and quarantines non-Event items', async () => {
      const [first] = generateK8sAuditEvents(OPTS);
      const list = {
        kind: 'EventList',
        apiVersion: 'audit.k8s.io/v1',
        items: [first, { kind: 'Pod', verb: 'get' }],
      };
      const report = await ingest('webhook/post-1.json', Buffer.from(JSON.stringify(list)), 'k8s_audit');
      expect(report).toMatchObject({ records: 2, written: 1, quarantined: 1 });
      expect(report.reasons).toEqual([
        { position: 'line 1 record 1', reason: 'kind "Pod" is not an audit Event' },
      ]);
    });
  });
});

/**
 * GCP Cloud Audit Logs sample: two projects with people and service accounts at work (Compute, GCS,
 * GKE, IAM reads, an occasional viewer grant), and an attack: a contractor's account creates a key for
 * the deploy service account, makes an outside Gmail account project owner, and the new key lists
 * buckets from the same address. Written as a log sink writes to GCS: one NDJSON file per log and hour.
 */

import { HOUR_MS, hours, ndjson, Rng, sampleRange, workload } from '../custom/sample-kit.js';
import type { SampleFile, SampleOptions } from '../types.js';

type Log = 'activity' | 'data_access';
type Entry = Record<string, unknown> & { timestamp: string };

const PROJECTS = ['acme-prod-291512', 'acme-data-118204'] as const;
const PEOPLE = [
  { email: 'priya.raman@acme.io', ip: '34.82.17.40' },
  { email: 'tom.becker@acme.io', ip: '35.199.8.77' },
  { email: 'li.wei@acme.io', ip: '34.82.17.41' },
];
const CONTRACTOR = 'dev.contractor@acme.io';
const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36,gzip(gfe)';
const GCLOUD =
  'google-cloud-sdk gcloud/498.0.0 command/gcloud.compute.instances.list invocation-id/{id} environment/None environment-version/None interactive/True from-script/False python/3.12.4 term/xterm-256color (Macintosh; Intel Mac OS X 24.1.0),gzip(gfe)';

const sa = (project: string, name: string) => `${name}@${project}.iam.gserviceaccount.com`;

interface Call {
  t: number;
  project: string;
  log: Log;
  principal: string;
  ip: string;
  agent: string;
  service: string;
  method: string;
  resourceName: string;
  resource: { type: string; labels: Record<string, string> };
  permission: string;
  request?: Record<string, unknown>;
  response?: Record<string, unknown>;
  serviceData?: Record<string, unknown>;
  keyName?: string;
  severity?: string;
}

function entry(rng: Rng, c: Call): Entry {
  const timestamp = new Date(c.t).toISOString().replace('Z', `${rng.chars('0123456789', 3)}Z`);
  return {
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      status: {},
      authenticationInfo: {
        principalEmail: c.principal,
        ...(c.principal.endsWith('.gserviceaccount.com')
          ? c.keyName
            ? { serviceAccountKeyName: c.keyName }
            : {}
          : { principalSubject: `user:${c.principal}` }),
      },
      requestMetadata: {
        callerIp: c.ip,
        callerSuppliedUserAgent: c.agent.replace('{id}', rng.uuid()),
        requestAttributes: { time: timestamp, auth: {} },
        destinationAttributes: {},
      },
      serviceName: c.service,
      methodName: c.method,
      authorizationInfo: [
        { resource: c.resourceName, permission: c.permission, granted: true, resourceAttributes: {} },
      ],
      resourceName: c.resourceName,
      ...(c.request ? { request: c.request } : {}),
      ...(c.response ? { response: c.response } : {}),
      ...(c.serviceData ? { serviceData: c.serviceData } : {}),
    },
    insertId: rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 12),
    resource: c.resource,
    timestamp,
    severity: c.severity ?? (c.log === 'activity' ? 'NOTICE' : 'INFO'),
    logName: `projects/${c.project}/logs/cloudaudit.googleapis.com%2F${c.log}`,
    receiveTimestamp: new Date(c.t + rng.int(200, 1500)).toISOString(),
  };
}

const projectResource = (project: string) => ({ type: 'project', labels: { project_id: project } });

function benignHour(rng: Rng, h: number, out: Entry[]) {
  for (const project of PROJECTS) {
    const instance = `projects/${project}/zones/us-central1-a/instances/web-${rng.int(1, 6)}`;
    const gce = {
      type: 'gce_instance',
      labels: { project_id: project, zone: 'us-central1-a', instance_id: String(rng.int(1e15, 9e15)) },
    };
    for (let i = rng.poisson(3 * workload(h)); i > 0; i--) {
      const p = rng.pick(PEOPLE);
      const kind = rng.pick(['stop', 'start', 'insert', 'setMetadata'] as const);
      out.push(
        entry(rng, {
          t: h + rng.int(0, HOUR_MS - 1),
          project,
          log: 'activity',
          principal: p.email,
          ip: p.ip,
          agent: rng.next() < 0.5 ? BROWSER : GCLOUD,
          service: 'compute.googleapis.com',
          method: `v1.compute.instances.${kind}`,
          resourceName: instance,
          resource: gce,
          permission: `compute.instances.${kind === 'insert' ? 'create' : kind}`,
          request: { '@type': `type.googleapis.com/compute.instances.${kind}` },
          response: { '@type': 'type.googleapis.com/operation', status: 'RUNNING', operationType: kind },
        }),
      );
    }
    // Workloads read objects all day; the data access log records each read.
    const reader = sa(project, 'etl-runner');
    for (let i = rng.poisson(8); i > 0; i--) {
      const bucket = `${project}-ingest`;
      const object = `exports/${new Date(h).toISOString().slice(0, 10)}/part-${rng.int(0, 999)}.parquet`;
      out.push(
        entry(rng, {
          t: h + rng.int(0, HOUR_MS - 1),
          project,
          log: 'data_access',
          principal: reader,
          ip: '10.128.0.12',
          agent: 'apitools gsutil/5.31 Python/3.11.9 (linux) google-cloud-sdk/498.0.0,gzip(gfe)',
          service: 'storage.googleapis.com',
          method: 'storage.objects.get',
          resourceName: `projects/_/buckets/${bucket}/objects/${object}`,
          resource: {
            type: 'gcs_bucket',
            labels: { project_id: project, bucket_name: bucket, location: 'us-central1' },
          },
          permission: 'storage.objects.get',
        }),
      );
    }
    for (let i = rng.poisson(2); i > 0; i--) {
      const suffix = 'bcdfghjklmnpqrstvwxz2456789';
      const pod = `ingest-worker-${rng.chars(suffix, 10)}-${rng.chars(suffix, 5)}`;
      out.push(
        entry(rng, {
          t: h + rng.int(0, HOUR_MS - 1),
          project,
          log: 'activity',
          principal: 'system:serviceaccount:kube-system:replicaset-controller',
          ip: '172.16.0.2',
          agent:
            'kube-controller-manager/v1.30.5 (linux/amd64) kubernetes/4a8c3c5/system:serviceaccount:kube-system:replicaset-controller',
          service: 'k8s.io',
          method: 'io.k8s.core.v1.pods.create',
          resourceName: `core/v1/namespaces/ingest/pods/${pod}`,
          resource: {
            type: 'k8s_cluster',
            labels: { project_id: project, location: 'us-central1', cluster_name: 'prod-gke' },
          },
          permission: 'io.k8s.core.v1.pods.create',
        }),
      );
    }
  }
}

function viewerGrant(rng: Rng, t: number, project: string): Entry {
  const member = `user:${rng.pick(['sam.ortiz', 'mei.tanaka', 'ravi.k'])}@acme.io`;
  const admin = PEOPLE[0] ?? { email: 'admin@acme.io', ip: '34.82.17.40' };
  const delta = { bindingDeltas: [{ action: 'ADD', role: 'roles/viewer', member }] };
  return entry(rng, {
    t,
    project,
    log: 'activity',
    principal: admin.email,
    ip: admin.ip,
    agent: BROWSER,
    service: 'cloudresourcemanager.googleapis.com',
    method: 'SetIamPolicy',
    resourceName: `projects/${project}`,
    resource: projectResource(project),
    permission: 'resourcemanager.projects.setIamPolicy',
    request: {
      '@type': 'type.googleapis.com/google.iam.v1.SetIamPolicyRequest',
      resource: project,
      policy: { bindings: [{ role: 'roles/viewer', members: [member] }] },
    },
    serviceData: { '@type': 'type.googleapis.com/google.iam.v1.logging.AuditData', policyDelta: delta },
  });
}

/** Key for the deploy service account, an outside owner, the new key at work: 3 activity + 2 data access. */
function takeover(rng: Rng, end: number): Entry[] {
  const project = PROJECTS[0];
  const ip = `185.220.101.${rng.int(10, 99)}`;
  const deploy = sa(project, 'deploy-bot');
  const keyId = rng.chars('0123456789abcdef', 40);
  let t = end - rng.int(50, 70) * 60_000;
  const owner = 'user:acme.backup.ops@gmail.com';
  const saResource = {
    type: 'service_account',
    labels: { project_id: project, email_id: deploy, unique_id: '104728195736204856123' },
  };
  const out = [
    entry(rng, {
      t,
      project,
      log: 'activity',
      principal: CONTRACTOR,
      ip,
      agent: GCLOUD,
      service: 'iam.googleapis.com',
      method: 'google.iam.admin.v1.CreateServiceAccountKey',
      resourceName: `projects/-/serviceAccounts/104728195736204856123`,
      resource: saResource,
      permission: 'iam.serviceAccountKeys.create',
      request: {
        '@type': 'type.googleapis.com/google.iam.admin.v1.CreateServiceAccountKeyRequest',
        name: `projects/-/serviceAccounts/${deploy}`,
        private_key_type: 2,
      },
      response: {
        '@type': 'type.googleapis.com/google.iam.admin.v1.ServiceAccountKey',
        name: `projects/${project}/serviceAccounts/${deploy}/keys/${keyId}`,
        key_algorithm: 2,
      },
    }),
  ];
  t += rng.int(60, 240) * 1000;
  out.push(
    entry(rng, {
      t,
      project,
      log: 'activity',
      principal: CONTRACTOR,
      ip,
      agent: GCLOUD,
      service: 'cloudresourcemanager.googleapis.com',
      method: 'SetIamPolicy',
      resourceName: `projects/${project}`,
      resource: projectResource(project),
      permission: 'resourcemanager.projects.setIamPolicy',
      request: {
        '@type': 'type.googleapis.com/google.iam.v1.SetIamPolicyRequest',
        resource: project,
        policy: { bindings: [{ role: 'roles/owner', members: [owner] }] },
      },
      serviceData: {
        '@type': 'type.googleapis.com/google.iam.v1.logging.AuditData',
        policyDelta: { bindingDeltas: [{ action: 'ADD', role: 'roles/owner', member: owner }] },
      },
    }),
  );
  const keyName = `//iam.googleapis.com/projects/${project}/serviceAccounts/${deploy}/keys/${keyId}`;
  for (const method of ['storage.buckets.list', 'storage.buckets.getIamPolicy']) {
    t += rng.int(20, 90) * 1000;
    out.push(
      entry(rng, {
        t,
        project,
        log: 'data_access',
        principal: deploy,
        keyName,
        ip,
        agent: 'python-requests/2.32.3,gzip(gfe)',
        service: 'storage.googleapis.com',
        method,
        resourceName: `projects/_/buckets/${project}-ingest`,
        resource: {
          type: 'gcs_bucket',
          labels: { project_id: project, bucket_name: `${project}-ingest`, location: 'us-central1' },
        },
        permission: method,
      }),
    );
  }
  return out;
}

export function generateGcpAuditEntries(opts: SampleOptions): Entry[] {
  const { first, last, end } = sampleRange(opts);
  const rng = new Rng(opts.seed, 'gcp_audit');
  const out: Entry[] = [];
  for (const h of hours(first, last)) {
    benignHour(rng, h, out);
    if (rng.next() < 0.04) out.push(viewerGrant(rng, h + rng.int(0, HOUR_MS - 1), rng.pick(PROJECTS)));
  }
  out.push(...takeover(new Rng(opts.seed, 'gcp_audit/attack'), end));
  const inRange = out.filter((e) => {
    const t = Date.parse(e.timestamp);
    return t >= first && t <= last;
  });
  return inRange.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}

/** GCS sink objects: `cloudaudit.googleapis.com/<log>/YYYY/MM/DD/HH:00:00_HH:59:59_S0.json`, NDJSON. */
export function gcpAuditSampleFiles(opts: SampleOptions): SampleFile[] {
  const files = new Map<string, Entry[]>();
  for (const e of generateGcpAuditEntries(opts)) {
    const log = String(e.logName).endsWith('data_access') ? 'data_access' : 'activity';
    const hh = e.timestamp.slice(11, 13);
    const day = e.timestamp.slice(0, 10).replaceAll('-', '/');
    const path = `gcp/cloudaudit.googleapis.com/${log}/${day}/${hh}:00:00_${hh}:59:59_S0.json`;
    files.set(path, [...(files.get(path) ?? []), e]);
  }
  return [...files]
    .map(([path, entries]) => ({ path, body: ndjson(entries) }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

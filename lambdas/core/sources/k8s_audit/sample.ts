/**
 * Kubernetes audit sample for an EKS-style cluster: controllers renewing leases and watching, kubelets
 * reporting node status, the CI deployer patching deployments, developers reading pods and logs in
 * their namespaces; and an attack in which `contractor-ci`, a user never seen using exec, opens a
 * shell in a kube-system pod and binds itself to cluster-admin. Written as the log backend writes,
 * NDJSON, one file per hour; exec appears at ResponseStarted and ResponseComplete.
 */
import { HOUR_MS, hours, ndjson, Rng, sampleRange, workload } from '../custom/sample-kit.js';
import type { SampleFile, SampleOptions } from '../types.js';

type Event = Record<string, unknown> & { stageTimestamp: string };

interface Req {
  t: number;
  user: { username: string; groups: string[]; uid?: string };
  ip: string;
  agent: string;
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  subresource?: string;
  code?: number;
  requestObject?: Record<string, unknown>;
}

const DEVS = ['maria.gomez', 'kenji.sato', 'ana.silva'];
const API_IP = '10.0.12.';
const micro = (ms: number, rng: Rng) =>
  new Date(ms).toISOString().replace('Z', `${rng.chars('0123456789', 3)}Z`);

function uri(r: Req): string {
  const group = r.apiGroup ? `/apis/${r.apiGroup}/v1` : '/api/v1';
  const ns = r.namespace ? `/namespaces/${r.namespace}` : '';
  const name = r.name ? `/${r.name}` : '';
  const sub = r.subresource ? `/${r.subresource}` : '';
  const query =
    r.subresource === 'exec' ? '?command=%2Fbin%2Fsh&container=main&stdin=true&stdout=true&tty=true' : '';
  return `${group}${ns}/${r.resource}${name}${sub}${query}${r.verb === 'watch' ? '?watch=true' : ''}`;
}

/** One request's events: ResponseStarted as well for long-running ones, always ResponseComplete. */
function request(rng: Rng, r: Req): Event[] {
  const auditID = rng.uuid();
  const longRunning = r.subresource === 'exec' || r.verb === 'watch';
  const stages: [string, number][] = longRunning
    ? [
        ['ResponseStarted', r.t + rng.int(5, 40)],
        ['ResponseComplete', r.t + rng.int(60_000, 900_000)],
      ]
    : [['ResponseComplete', r.t + rng.int(2, 60)]];
  return stages.map(([stage, at]) => ({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: r.requestObject ? 'RequestResponse' : 'Metadata',
    auditID,
    stage,
    requestURI: uri(r),
    verb: r.verb,
    user: r.user,
    sourceIPs: [r.ip],
    userAgent: r.agent,
    objectRef: {
      resource: r.resource,
      ...(r.namespace ? { namespace: r.namespace } : {}),
      ...(r.name ? { name: r.name } : {}),
      ...(r.apiGroup ? { apiGroup: r.apiGroup } : {}),
      apiVersion: 'v1',
      ...(r.subresource ? { subresource: r.subresource } : {}),
    },
    responseStatus: { metadata: {}, code: r.code ?? (stage === 'ResponseStarted' ? 101 : 200) },
    ...(r.requestObject ? { requestObject: r.requestObject } : {}),
    requestReceivedTimestamp: micro(r.t, rng),
    stageTimestamp: micro(at, rng),
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
  }));
}

function benignHour(rng: Rng, h: number, out: Event[]) {
  const at = () => h + rng.int(0, HOUR_MS - 1);
  const controller = (name: string) => ({
    username: `system:serviceaccount:kube-system:${name}`,
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
  });
  for (let i = rng.int(8, 14); i > 0; i--) {
    out.push(
      ...request(rng, {
        t: at(),
        user: { username: 'system:kube-controller-manager', groups: ['system:authenticated'] },
        ip: `${API_IP}5`,
        agent: 'kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/leader-election',
        verb: 'update',
        resource: 'leases',
        apiGroup: 'coordination.k8s.io',
        namespace: 'kube-system',
        name: 'kube-controller-manager',
      }),
    );
  }
  for (let node = 1; node <= 3; node++) {
    out.push(
      ...request(rng, {
        t: at(),
        user: {
          username: `system:node:ip-10-0-3-${node}.ec2.internal`,
          groups: ['system:nodes', 'system:authenticated'],
        },
        ip: `10.0.3.${node}`,
        agent: 'kubelet/v1.31.2 (linux/amd64) kubernetes/5864a46',
        verb: 'patch',
        resource: 'nodes',
        name: `ip-10-0-3-${node}.ec2.internal`,
        subresource: 'status',
      }),
    );
  }
  out.push(
    ...request(rng, {
      t: at(),
      user: controller('replicaset-controller'),
      ip: `${API_IP}5`,
      agent:
        'kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/system:serviceaccount:kube-system:replicaset-controller',
      verb: 'watch',
      resource: 'pods',
    }),
  );
  if (rng.next() < 0.4 * workload(h)) {
    const app = rng.pick(['checkout', 'catalog', 'search']);
    out.push(
      ...request(rng, {
        t: at(),
        user: { username: 'github-actions-deployer', groups: ['deployers', 'system:authenticated'] },
        ip: '52.14.88.201',
        agent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/9edcffc',
        verb: 'patch',
        resource: 'deployments',
        apiGroup: 'apps',
        namespace: app,
        name: app,
      }),
    );
  }
  for (const dev of DEVS) {
    for (let i = rng.poisson(3 * workload(h)); i > 0; i--) {
      const ns = rng.pick(['checkout', 'catalog', 'search']);
      const logs = rng.next() < 0.3;
      out.push(
        ...request(rng, {
          t: at(),
          user: { username: dev, groups: ['developers', 'system:authenticated'] },
          ip: `192.168.40.${DEVS.indexOf(dev) + 20}`,
          agent: 'kubectl/v1.30.4 (darwin/arm64) kubernetes/8d3f7b2',
          verb: logs ? 'get' : 'list',
          resource: 'pods',
          namespace: ns,
          ...(logs
            ? { name: `${ns}-7d9f8b6c4-${rng.chars('bcdfghjklmnpqrstvwxz2456789', 5)}`, subresource: 'log' }
            : {}),
        }),
      );
    }
  }
}

/** contractor-ci: a shell in kube-proxy (started, complete), then a cluster-admin binding. */
function takeover(rng: Rng, end: number): Event[] {
  const user = { username: 'contractor-ci', groups: ['contractors', 'system:authenticated'] };
  const ip = `91.219.236.${rng.int(10, 99)}`;
  const agent = 'kubectl/v1.29.1 (linux/amd64) kubernetes/bc401b9';
  const t = end - rng.int(25, 35) * 60_000;
  const exec = request(rng, {
    t,
    user,
    ip,
    agent,
    verb: 'create',
    resource: 'pods',
    namespace: 'kube-system',
    name: `kube-proxy-${rng.chars('bcdfghjklmnpqrstvwxz2456789', 5)}`,
    subresource: 'exec',
  });
  // The shell stays open: its ResponseComplete comes at the end of the session, clamped before `end`.
  const done = exec[1];
  if (done) done.stageTimestamp = micro(Math.min(Date.parse(done.stageTimestamp), end - 120_000), rng);
  const binding = request(rng, {
    t: t + rng.int(120, 300) * 1000,
    user,
    ip,
    agent,
    verb: 'create',
    resource: 'clusterrolebindings',
    apiGroup: 'rbac.authorization.k8s.io',
    name: 'ci-backup-admin',
    code: 201,
    requestObject: {
      kind: 'ClusterRoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'ci-backup-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'User', name: 'contractor-ci', apiGroup: 'rbac.authorization.k8s.io' }],
    },
  });
  return [...exec, ...binding];
}

export function generateK8sAuditEvents(opts: SampleOptions): Event[] {
  const { first, last, end } = sampleRange(opts);
  const rng = new Rng(opts.seed, 'k8s_audit');
  const out: Event[] = [];
  for (const h of hours(first, last)) benignHour(rng, h, out);
  out.push(...takeover(new Rng(opts.seed, 'k8s_audit/attack'), end));
  return out
    .filter((e) => Date.parse(e.stageTimestamp) >= first && Date.parse(e.stageTimestamp) <= last)
    .sort((a, b) => (a.stageTimestamp < b.stageTimestamp ? -1 : a.stageTimestamp > b.stageTimestamp ? 1 : 0));
}

/** The log backend's files, rotated hourly: `k8s-audit/prod-eks/kube-apiserver-audit-<hour>.log`. */
export function k8sAuditSampleFiles(opts: SampleOptions): SampleFile[] {
  const files = new Map<string, Event[]>();
  for (const e of generateK8sAuditEvents(opts)) {
    const hour = e.stageTimestamp.slice(0, 13).replace('T', '-');
    const path = `k8s-audit/prod-eks/kube-apiserver-audit-${hour}.log`;
    files.set(path, [...(files.get(path) ?? []), e]);
  }
  return [...files].map(([path, events]) => ({ path, body: ndjson(events) }));
}

/**
 * The fictional organisation's AWS accounts, its organisation trail and its S3 buckets. The other
 * AWS sources' samples use the same accounts, so their stories meet CloudTrail's.
 */

export type AccountKey = 'management' | 'prod' | 'dev';

export interface AccountDef {
  id: string;
  /** Regions where people and workloads act, home region first. */
  regions: readonly string[];
  kmsKeyId: string;
}

export const ACCOUNTS: Record<AccountKey, AccountDef> = {
  management: {
    id: '418293756102',
    regions: ['us-east-1'],
    kmsKeyId: '5f0c7a61-2b9e-4d3a-9c41-7e2d8b0f3a15',
  },
  prod: {
    id: '739104582613',
    regions: ['us-east-1', 'us-west-2'],
    kmsKeyId: 'c2a94e07-81d5-4f6b-a3e0-19b7d45c6e82',
  },
  dev: {
    id: '205873619440',
    regions: ['us-east-1', 'eu-west-1'],
    kmsKeyId: '8e31b5d2-0a4f-47c9-b6d8-3f92e1a07c54',
  },
};

/** IAM Identity Center's home region: federated console sign-ins are recorded there. */
export const SSO_REGION = 'us-east-2';

export const ORG_TRAIL = {
  account: 'management' as AccountKey,
  region: 'us-east-1',
  name: 'acme-org-trail',
  bucket: 'acme-org-cloudtrail-418293756102',
};
export const ORG_TRAIL_ARN = `arn:aws:cloudtrail:${ORG_TRAIL.region}:${ACCOUNTS.management.id}:trail/${ORG_TRAIL.name}`;
export const ADMIN_POLICY_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

export interface BucketDef {
  name: string;
  account: AccountKey;
  region: string;
  /** Object key templates: {yyyy} {mm} {dd} {uuid} {n}. */
  keys: readonly string[];
}

const ORDERS_KEY = 'orders/{yyyy}/{mm}/{dd}/{uuid}.json';
export const BUCKETS: readonly BucketDef[] = [
  { name: 'acme-prod-orders', account: 'prod', region: 'us-east-1', keys: [ORDERS_KEY] },
  {
    name: 'acme-prod-invoices',
    account: 'prod',
    region: 'us-east-1',
    keys: ['invoices/{yyyy}-{mm}/INV-{n}.pdf'],
  },
  {
    name: 'acme-prod-app-config',
    account: 'prod',
    region: 'us-east-1',
    keys: ['orders-api/config.json', 'orders-api/feature-flags.json', 'invoice-generator/templates.json'],
  },
  { name: 'acme-prod-dr-replica', account: 'prod', region: 'us-west-2', keys: [ORDERS_KEY] },
  {
    name: 'acme-dev-artifacts',
    account: 'dev',
    region: 'us-east-1',
    keys: ['builds/orders-api/{n}/app.zip'],
  },
  {
    name: 'acme-dev-scratch-eu',
    account: 'dev',
    region: 'eu-west-1',
    keys: ['tmp/{uuid}.csv', 'nb/{n}.ipynb'],
  },
  {
    name: 'acme-terraform-state',
    account: 'management',
    region: 'us-east-1',
    keys: ['prod/terraform.tfstate'],
  },
  { name: ORG_TRAIL.bucket, account: 'management', region: 'us-east-1', keys: [] },
];

export function bucket(name: string): BucketDef {
  const found = BUCKETS.find((b) => b.name === name);
  if (!found) throw new Error(`unknown sample bucket ${name}`);
  return found;
}

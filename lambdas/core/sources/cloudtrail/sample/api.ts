/**
 * The API catalogue: what each call's record carries, shaped after real CloudTrail records
 * (Stratus Red Team detonation logs, the AWS documentation's examples), and the errors services
 * write. The builders of the larger calls are in api-builders.ts.
 */
import { ACCOUNTS, type AccountKey, ADMIN_POLICY_ARN, type BucketDef, ORG_TRAIL_ARN } from './accounts.js';
import {
  accountId,
  assumeRole,
  bucketPolicy,
  createAccessKey,
  createUser,
  getUser,
  runInstances,
  s3Data,
  s3Object,
  updateTrail,
} from './api-builders.js';
import { ALNUM, type Mix, type Random } from './random.js';
import type { CloudTrailResource, JsonObject } from './record-types.js';

export type ApiName =
  | 'ListBuckets'
  | 'GetObject'
  | 'PutObject'
  | 'GetBucketPolicy'
  | 'ListUsers'
  | 'GetUser'
  | 'ListRoles'
  | 'CreateUser'
  | 'AttachUserPolicy'
  | 'CreateAccessKey'
  | 'DescribeInstances'
  | 'DescribeSecurityGroups'
  | 'RunInstances'
  | 'AssumeRole'
  | 'GetCallerIdentity'
  | 'Decrypt'
  | 'LookupEvents'
  | 'DescribeTrails'
  | 'GetTrailStatus'
  | 'StopLogging'
  | 'UpdateTrail'
  | 'DeleteTrail';

export type ErrorKind =
  | 'AccessDenied'
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'NoSuchBucketPolicy'
  | 'NoSuchEntity'
  | 'Throttling'
  | 'UnauthorizedOperation'
  | 'RequestLimitExceeded';

/** What a call acts on; builders choose what is not given. */
export interface Target {
  bucket?: BucketDef;
  userName?: string;
  roleArn?: string;
  roleId?: string;
  roleSessionName?: string;
  durationSeconds?: number;
  /** The access key a role session or a new key gets, so that later calls can use it. */
  accessKeyId?: string;
  policyArn?: string;
  trailArn?: string;
  encryptionContext?: JsonObject;
}

export interface ApiContext {
  rng: Random;
  t: number;
  account: AccountKey;
  region: string;
  target: Target;
  error: ErrorKind | undefined;
}

export interface ApiParts {
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData?: JsonObject;
  resources?: CloudTrailResource[];
  /** Region of the resource, when it is not the caller's (S3 buckets). */
  region?: string;
  /** TLS host header, when it is not `<service>.<region>.amazonaws.com`. */
  host?: string;
  /** The resource an AccessDenied message names. */
  errorResource?: string;
}

export interface ApiDef {
  source: string;
  version: '1.08' | '1.09';
  readOnly: boolean;
  /** Benign error probabilities. */
  errors: Mix<ErrorKind>;
  build(ctx: ApiContext): ApiParts;
  /** S3 object-level calls: data events. */
  data?: boolean;
  /** Global endpoint (IAM): recorded in us-east-1 under `iam.amazonaws.com`. */
  global?: boolean;
}
const nothing = (): ApiParts => ({ requestParameters: null, responseElements: null });
const trail = (ctx: ApiContext): ApiParts => {
  const name = ctx.target.trailArn ?? ORG_TRAIL_ARN;
  return { requestParameters: { name }, responseElements: null, errorResource: name };
};
const iamList =
  (kind: 'user' | 'role') =>
  (ctx: ApiContext): ApiParts => ({
    ...nothing(),
    errorResource: `arn:aws:iam::${accountId(ctx)}:${kind}/`,
  });

type Build = ApiDef['build'];
const api = (source: string, readOnly: boolean, errors: Mix<ErrorKind>, build: Build): ApiDef => ({
  source: `${source}.amazonaws.com`,
  version: source === 'sts' ? '1.08' : '1.09',
  readOnly,
  errors,
  build,
});
const s3obj = (readOnly: boolean, errors: Mix<ErrorKind>, build: Build): ApiDef => ({
  ...api('s3', readOnly, errors, build),
  data: true,
});
const iam = (readOnly: boolean, errors: Mix<ErrorKind>, build: Build): ApiDef => ({
  ...api('iam', readOnly, errors, (ctx) => ({ ...build(ctx), host: 'iam.amazonaws.com' })),
  global: true,
});

export const API: Record<ApiName, ApiDef> = {
  ListBuckets: api('s3', true, { AccessDenied: 0.01 }, (ctx) => ({
    requestParameters: { Host: `s3.${ctx.region}.amazonaws.com` },
    responseElements: null,
    additionalEventData: s3Data(ctx, 0, ctx.rng.int(600, 2400)),
    host: `s3.${ctx.region}.amazonaws.com`,
  })),
  GetObject: s3obj(true, { NoSuchKey: 0.03, AccessDenied: 0.01 }, (ctx) => s3Object(ctx, false)),
  PutObject: s3obj(false, { AccessDenied: 0.005 }, (ctx) => s3Object(ctx, true)),
  GetBucketPolicy: api(
    's3',
    true,
    { NoSuchBucketPolicy: 0.25, NoSuchBucket: 0.04, AccessDenied: 0.02 },
    bucketPolicy,
  ),
  ListUsers: iam(true, { AccessDenied: 0.02 }, iamList('user')),
  GetUser: iam(true, { NoSuchEntity: 0.03 }, getUser),
  ListRoles: iam(true, { AccessDenied: 0.02 }, iamList('role')),
  CreateUser: iam(false, {}, createUser),
  AttachUserPolicy: iam(false, {}, (ctx) => ({
    requestParameters: {
      userName: ctx.target.userName ?? '',
      policyArn: ctx.target.policyArn ?? ADMIN_POLICY_ARN,
    },
    responseElements: null,
  })),
  CreateAccessKey: iam(false, {}, createAccessKey),
  DescribeInstances: api('ec2', true, { RequestLimitExceeded: 0.02, UnauthorizedOperation: 0.015 }, (ctx) => {
    const running = { items: [{ name: 'instance-state-name', valueSet: { items: [{ value: 'running' }] } }] };
    return {
      requestParameters: { instancesSet: {}, filterSet: ctx.rng.next() < 0.7 ? {} : running },
      responseElements: null,
    };
  }),
  DescribeSecurityGroups: api('ec2', true, { UnauthorizedOperation: 0.02 }, () => ({
    requestParameters: { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} },
    responseElements: null,
  })),
  RunInstances: api('ec2', false, { UnauthorizedOperation: 0.05 }, runInstances),
  AssumeRole: api('sts', true, { AccessDenied: 0.02 }, assumeRole),
  GetCallerIdentity: api('sts', true, {}, nothing),
  Decrypt: api('kms', true, { Throttling: 0.01 }, (ctx) => {
    const keyArn = `arn:aws:kms:${ctx.region}:${accountId(ctx)}:key/${ACCOUNTS[ctx.account].kmsKeyId}`;
    return {
      requestParameters: {
        encryptionContext: ctx.target.encryptionContext ?? { app: 'orders-api', env: ctx.account },
        encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      },
      responseElements: null,
      resources: [{ accountId: accountId(ctx), type: 'AWS::KMS::Key', ARN: keyArn }],
      errorResource: keyArn,
    };
  }),
  LookupEvents: api('cloudtrail', true, { Throttling: 0.08 }, (ctx) => {
    const attributeValue = ctx.rng.pick(['ConsoleLogin', 'CreateAccessKey', 'AssumeRole', 'RunInstances']);
    return {
      requestParameters: {
        lookupAttributes: [{ attributeKey: 'EventName', attributeValue }],
        maxResults: 50,
      },
      responseElements: null,
    };
  }),
  DescribeTrails: api('cloudtrail', true, { AccessDenied: 0.01 }, () => ({
    requestParameters: { trailNameList: [], includeShadowTrails: true },
    responseElements: null,
  })),
  GetTrailStatus: api('cloudtrail', true, { AccessDenied: 0.01 }, trail),
  StopLogging: api('cloudtrail', false, {}, trail),
  UpdateTrail: api('cloudtrail', false, {}, updateTrail),
  DeleteTrail: api('cloudtrail', false, {}, trail),
};

/** `errorCode` and `errorMessage` as the service writes them. */
export function errorFields(
  kind: ErrorKind,
  name: ApiName,
  callerArn: string,
  resource: string | undefined,
  rng: Random,
): { code: string; message: string } {
  const def = API[name];
  const action = `${def.source.split('.')[0] ?? ''}:${name}`;
  const on = resource ? ` on resource: ${resource}` : '';
  const denied = `User: ${callerArn} is not authorized to perform: ${action}${on} because no identity-based policy allows the ${action} action`;
  switch (kind) {
    case 'AccessDenied':
      return { code: 'AccessDenied', message: def.source === 's3.amazonaws.com' ? 'Access Denied' : denied };
    case 'NoSuchBucket':
      return { code: 'NoSuchBucket', message: 'The specified bucket does not exist' };
    case 'NoSuchKey':
      return { code: 'NoSuchKey', message: 'The specified key does not exist.' };
    case 'NoSuchBucketPolicy':
      return { code: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist' };
    case 'NoSuchEntity':
      return {
        code: 'NoSuchEntityException',
        message: `The user with name ${resource?.split('/').pop()} cannot be found.`,
      };
    case 'Throttling':
      return {
        code: 'ThrottlingException',
        message:
          def.source === 'kms.amazonaws.com'
            ? 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.'
            : 'Rate exceeded',
      };
    case 'RequestLimitExceeded':
      return { code: 'Client.RequestLimitExceeded', message: 'Request limit exceeded.' };
    case 'UnauthorizedOperation': {
      // EC2 encodes the denial context for calls on resources; Describe* calls get the plain message.
      const encoded = def.readOnly
        ? ''
        : `. Encoded authorization failure message: ${rng.chars(`${ALNUM}-_`, 420)}`;
      return {
        code: 'Client.UnauthorizedOperation',
        message: `You are not authorized to perform this operation. ${denied}${encoded}`,
      };
    }
  }
}

/** Builders of the API catalogue's larger calls: request, response and resources of one record. */
import { ACCOUNTS, BUCKETS, type BucketDef, ORG_TRAIL, ORG_TRAIL_ARN } from './accounts.js';
import type { ApiContext, ApiParts } from './api.js';
import { IAM_USERS, OPS_ROLE } from './people.js';
import { B64, HEX, UPPER_ALNUM } from './random.js';
import type { CloudTrailResource, JsonObject } from './record-types.js';
import { awsDate, pad } from './time.js';

export const accountId = (ctx: ApiContext): string => ACCOUNTS[ctx.account].id;

export function s3Data(ctx: ApiContext, bytesIn: number, bytesOut: number): JsonObject {
  return {
    SignatureVersion: 'SigV4',
    CipherSuite: 'TLS_AES_128_GCM_SHA256',
    bytesTransferredIn: bytesIn,
    AuthenticationMethod: 'AuthHeader',
    // 64 random bytes in base64: the last character before '==' carries 2 bits.
    'x-amz-id-2': `${ctx.rng.chars(B64, 85)}${ctx.rng.pick(['A', 'Q', 'g', 'w'])}==`,
    bytesTransferredOut: bytesOut,
  };
}

/** The bucket a call names: a mistyped one when the call fails with NoSuchBucket. */
function pickBucket(ctx: ApiContext): { name: string; region: string; def?: BucketDef } {
  const own = BUCKETS.filter((b) => b.account === ctx.account && b.keys.length > 0);
  const def = ctx.target.bucket ?? ctx.rng.pick(own.length > 0 ? own : BUCKETS);
  if (ctx.error !== 'NoSuchBucket') return { name: def.name, region: def.region, def };
  return { name: `${def.name}-${ctx.rng.pick(['old', 'tmp', 'backup'])}`, region: def.region };
}

function objectKey(ctx: ApiContext, def: BucketDef | undefined): string {
  const d = new Date(ctx.t * 1000);
  return ctx.rng
    .pick(def && def.keys.length > 0 ? def.keys : ['data/{uuid}.json'])
    .replace('{yyyy}', String(d.getUTCFullYear()))
    .replace('{mm}', pad(d.getUTCMonth() + 1))
    .replace('{dd}', pad(d.getUTCDate()))
    .replace('{uuid}', ctx.rng.uuid())
    .replace('{n}', String(ctx.rng.int(10_000, 99_999)));
}

function bucketParts(ctx: ApiContext, name: string, known: boolean): CloudTrailResource {
  const ARN = `arn:aws:s3:::${name}`;
  return known
    ? { accountId: accountId(ctx), type: 'AWS::S3::Bucket', ARN }
    : { type: 'AWS::S3::Bucket', ARN };
}

export function s3Object(ctx: ApiContext, put: boolean): ApiParts {
  const b = pickBucket(ctx);
  const key = ctx.error === 'NoSuchKey' ? `${objectKey(ctx, b.def)}.bak` : objectKey(ctx, b.def);
  const host = `${b.name}.s3.${b.region}.amazonaws.com`;
  const size = ctx.rng.int(400, 250_000);
  const extra = s3Data(ctx, put ? size : 0, put ? 0 : size);
  if (put) extra.SSEApplied = 'Default_SSE_S3';
  return {
    requestParameters: { bucketName: b.name, Host: host, key },
    responseElements: put ? { 'x-amz-server-side-encryption': 'AES256' } : null,
    additionalEventData: extra,
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${b.name}/${key}` },
      bucketParts(ctx, b.name, b.def !== undefined),
    ],
    region: b.region,
    host,
  };
}

export function bucketPolicy(ctx: ApiContext): ApiParts {
  const b = pickBucket(ctx);
  const host = `${b.name}.s3.${b.region}.amazonaws.com`;
  return {
    requestParameters: { bucketName: b.name, Host: host, policy: '' },
    responseElements: null,
    additionalEventData: s3Data(ctx, 0, ctx.rng.int(200, 1500)),
    resources: [bucketParts(ctx, b.name, b.def !== undefined)],
    region: b.region,
    host,
  };
}

export function runInstances(ctx: ApiContext): ApiParts {
  const { rng } = ctx;
  const [instanceId, imageId, subnetId] = ['i-0', 'ami-0', 'subnet-0'].map((p) => p + rng.chars(HEX, 16));
  const instanceType = rng.pick(['t3.medium', 't3.large', 'm7i.large']);
  const ip = `10.${ctx.account === 'prod' ? 20 : 30}.${rng.int(11, 13)}.${rng.int(4, 250)}`;
  const instance: JsonObject = {
    instanceId: instanceId ?? '',
    imageId: imageId ?? '',
    currentInstanceBootMode: 'uefi',
    instanceState: { code: 0, name: 'pending' },
    privateDnsName: `ip-${ip.replaceAll('.', '-')}.ec2.internal`,
    amiLaunchIndex: 0,
    productCodes: {},
    instanceType,
    launchTime: ctx.t * 1000,
    placement: { availabilityZone: `${ctx.region}${rng.pick(['a', 'b', 'c'])}`, tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: subnetId ?? '',
    privateIpAddress: ip,
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    hypervisor: 'xen',
  };
  return {
    requestParameters: {
      instancesSet: { items: [{ imageId: imageId ?? '', minCount: 1, maxCount: 1 }] },
      instanceType,
      blockDeviceMapping: {},
      monitoring: { enabled: false },
      subnetId: subnetId ?? '',
      disableApiTermination: false,
      disableApiStop: false,
      clientToken: `terraform-${rng.chars(HEX, 26)}`,
      tagSpecificationSet: {
        items: [{ resourceType: 'instance', tags: [{ key: 'ManagedBy', value: 'terraform' }] }],
      },
    },
    responseElements: {
      requestId: rng.uuid(),
      reservationId: `r-0${rng.chars(HEX, 16)}`,
      ownerId: accountId(ctx),
      groupSet: {},
      instancesSet: { items: [instance] },
    },
    errorResource: `arn:aws:ec2:${ctx.region}:${accountId(ctx)}:instance/*`,
  };
}

export function assumeRole(ctx: ApiContext): ApiParts {
  const { rng, target } = ctx;
  const roleArn = target.roleArn ?? `arn:aws:iam::${accountId(ctx)}:role/${OPS_ROLE}`;
  const session = target.roleSessionName ?? `session-${rng.int(1_000_000, 9_999_999)}`;
  const roleAccount = roleArn.split(':')[4] ?? accountId(ctx);
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const requestParameters: JsonObject = { roleArn, roleSessionName: session };
  if (target.durationSeconds !== undefined) requestParameters.durationSeconds = target.durationSeconds;
  return {
    requestParameters,
    responseElements: {
      credentials: {
        accessKeyId: target.accessKeyId ?? `ASIA${rng.chars(UPPER_ALNUM, 16)}`,
        sessionToken: `IQoJb3JpZ2luX2Vj${rng.chars(B64, 380)}`,
        expiration: awsDate(ctx.t + (target.durationSeconds ?? 3600)),
      },
      assumedRoleUser: {
        assumedRoleId: `${target.roleId ?? `AROA${rng.chars(UPPER_ALNUM, 17)}`}:${session}`,
        arn: `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/${session}`,
      },
    },
    resources: [{ accountId: roleAccount, type: 'AWS::IAM::Role', ARN: roleArn }],
    errorResource: roleArn,
  };
}

export function getUser(ctx: ApiContext): ApiParts {
  const known =
    ctx.target.userName ?? ctx.rng.pick(IAM_USERS.filter((u) => u.account === ctx.account)).userName;
  const userName = ctx.error === 'NoSuchEntity' ? `${known}-old` : known;
  return {
    requestParameters: { userName },
    responseElements: null,
    errorResource: `arn:aws:iam::${accountId(ctx)}:user/${userName}`,
  };
}

export function createUser(ctx: ApiContext): ApiParts {
  const userName = ctx.target.userName ?? `user-${ctx.rng.int(100, 999)}`;
  const arn = `arn:aws:iam::${accountId(ctx)}:user/${userName}`;
  const userId = `AIDA${ctx.rng.chars(UPPER_ALNUM, 17)}`;
  return {
    requestParameters: { userName },
    responseElements: { user: { path: '/', userName, userId, arn, createDate: awsDate(ctx.t, false) } },
    errorResource: arn,
  };
}

export function createAccessKey(ctx: ApiContext): ApiParts {
  const { userName } = ctx.target;
  const accessKeyId = ctx.target.accessKeyId ?? `AKIA${ctx.rng.chars(UPPER_ALNUM, 16)}`;
  const key: JsonObject = { accessKeyId, status: 'Active', createDate: awsDate(ctx.t, false) };
  // The root user creating its own key names no user.
  if (userName === undefined) return { requestParameters: null, responseElements: { accessKey: key } };
  return { requestParameters: { userName }, responseElements: { accessKey: { userName, ...key } } };
}

export function updateTrail(ctx: ApiContext): ApiParts {
  const name = ctx.target.trailArn ?? ORG_TRAIL_ARN;
  return {
    requestParameters: { name, isMultiRegionTrail: false, enableLogFileValidation: false },
    responseElements: {
      name: ORG_TRAIL.name,
      s3BucketName: ORG_TRAIL.bucket,
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: false,
      trailARN: name,
      logFileValidationEnabled: false,
      isOrganizationTrail: true,
    },
    errorResource: name,
  };
}

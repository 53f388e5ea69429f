import type { Dialect } from './intent.js';

/**
 * What the offline translator knows of the `cloudtrail` table: named expressions (columns, struct
 * fields, JSON keys) in both dialects, the words that name them as a dimension, and the concepts
 * questions filter by. Everything it writes into SQL comes from here or is a quoted literal.
 */
export interface Expr {
  sql: (d: Dialect) => string;
  /** The output column's name when grouped by. */
  alias: string;
  label: string;
}

const json = (column: string, key: string) => (d: Dialect) =>
  `${d === 'athena' ? 'json_extract_scalar' : 'json_extract_string'}(${column}, '$.${key}')`;
const plain = (sql: string) => (_d: Dialect) => sql;

export const EXPRS = {
  user: {
    sql: plain('coalesce(useridentity.username, useridentity.arn)'),
    alias: 'user_name',
    label: 'user (IAM user name, else the identity ARN)',
  },
  ip: { sql: plain('sourceipaddress'), alias: 'source_ip', label: 'source IP address' },
  eventname: { sql: plain('eventname'), alias: 'eventname', label: 'API action' },
  eventsource: { sql: plain('eventsource'), alias: 'eventsource', label: 'service' },
  region: { sql: plain('awsregion'), alias: 'awsregion', label: 'region' },
  account: { sql: plain('recipientaccountid'), alias: 'account_id', label: 'account' },
  errorcode: { sql: plain('errorcode'), alias: 'errorcode', label: 'error code' },
  useragent: { sql: plain('useragent'), alias: 'useragent', label: 'user agent' },
  identity_type: { sql: plain('useridentity.type'), alias: 'identity_type', label: 'identity type' },
  role: {
    sql: plain('useridentity.sessioncontext.sessionissuer.arn'),
    alias: 'role_arn',
    label: 'assumed role',
  },
  bucket: { sql: json('requestparameters', 'bucketName'), alias: 'bucket', label: 'S3 bucket' },
  target_user: {
    sql: json('requestparameters', 'userName'),
    alias: 'target_user',
    label: 'IAM user acted on',
  },
  errormessage: { sql: plain('errormessage'), alias: 'errormessage', label: 'error message' },
  readonly: { sql: plain('readonly'), alias: 'readonly', label: 'read-only' },
  mfa_used: { sql: json('additionaleventdata', 'MFAUsed'), alias: 'mfa_used', label: 'MFA used at sign-in' },
  session_mfa: {
    sql: plain('useridentity.sessioncontext.attributes.mfaauthenticated'),
    alias: 'session_mfa',
    label: 'session authenticated with MFA',
  },
  user_name: { sql: plain('useridentity.username'), alias: 'iam_user', label: 'IAM user name' },
  user_arn: { sql: plain('useridentity.arn'), alias: 'user_arn', label: 'identity ARN' },
  hour: { sql: plain("date_trunc('hour', ts)"), alias: 'hour_start', label: 'hour' },
  day: { sql: plain("date_trunc('day', ts)"), alias: 'day_start', label: 'day' },
} satisfies Record<string, Expr>;

export type ExprName = keyof typeof EXPRS;

/** Words that name a dimension after "by", "per", "which", "top N", "most common", "each". */
export const DIMENSION_WORDS: [RegExp, ExprName][] = [
  // Before users: "user agents" are not users.
  [/^(user ?agents?|clients?|tools?)\b/, 'useragent'],
  [/^(users?|principals?|identit(y|ies)|who|people|actors?)\b/, 'user'],
  [/^((source )?ip( address(es)?)?s?|(source )?address(es)?|callers?)\b/, 'ip'],
  [/^(services?|event ?sources?)\b/, 'eventsource'],
  [/^(regions?)\b/, 'region'],
  [/^(accounts?)\b/, 'account'],
  [/^(errors?( codes?)?|error codes?)\b/, 'errorcode'],
  [/^(identity types?|principal types?|types?)\b/, 'identity_type'],
  [/^(roles?)\b/, 'role'],
  [/^(buckets?)\b/, 'bucket'],
  [/^(hours?|hourly)\b/, 'hour'],
  [/^(days?|daily)\b/, 'day'],
  [/^(events?( names?)?|actions?|api( calls?)?|calls?|operations?)\b/, 'eventname'],
];

/** Service short names as questions say them -> eventsource. */
export const SERVICES: Record<string, string> = {
  s3: 's3.amazonaws.com',
  iam: 'iam.amazonaws.com',
  ec2: 'ec2.amazonaws.com',
  kms: 'kms.amazonaws.com',
  sts: 'sts.amazonaws.com',
  cloudtrail: 'cloudtrail.amazonaws.com',
  signin: 'signin.amazonaws.com',
  lambda: 'lambda.amazonaws.com',
};

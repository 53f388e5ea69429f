import { COMMON_COLUMNS, type ColumnType, type TableSchema } from '../../schema/types.js';

const sessionIssuer: ColumnType = {
  struct: { type: 'string', principalid: 'string', arn: 'string', accountid: 'string', username: 'string' },
};

/** `userIdentity`, with CloudTrail's fixed shape kept as a struct so `useridentity.arn` works. */
export const userIdentityType: ColumnType = {
  struct: {
    type: 'string',
    principalid: 'string',
    arn: 'string',
    accountid: 'string',
    accesskeyid: 'string',
    username: 'string',
    invokedby: 'string',
    identityprovider: 'string',
    credentialid: 'string',
    sessioncontext: {
      struct: {
        attributes: { struct: { creationdate: 'string', mfaauthenticated: 'string' } },
        sessionissuer: sessionIssuer,
        sourceidentity: 'string',
        ec2roledelivery: 'string',
      },
    },
  },
};

/**
 * The `cloudtrail` table: CloudTrail's record fields lower-cased (as Athena's CloudTrail table
 * names them), fixed shapes as structs, free-form objects as JSON text.
 */
export const cloudtrailSchema: TableSchema = {
  name: 'cloudtrail',
  description: 'AWS CloudTrail management and data events, one row per event record.',
  timeColumn: 'ts',
  columns: [
    { name: 'eventversion', type: 'string', description: 'Record format version, e.g. 1.09.' },
    { name: 'useridentity', type: userIdentityType, description: 'Who made the request.' },
    { name: 'eventtime', type: 'timestamp', description: 'When the request was made, UTC.' },
    {
      name: 'eventsource',
      type: 'string',
      description: 'Service that received the request, e.g. iam.amazonaws.com.',
    },
    { name: 'eventname', type: 'string', description: 'API action, e.g. ConsoleLogin, StopLogging.' },
    { name: 'awsregion', type: 'string', description: 'Region the request was made to.' },
    { name: 'sourceipaddress', type: 'string', description: 'Caller IP address, or the AWS service name.' },
    { name: 'useragent', type: 'string', description: 'Caller user agent.' },
    { name: 'errorcode', type: 'string', description: 'Error code when the request failed, else null.' },
    {
      name: 'errormessage',
      type: 'string',
      description: 'Error message when the request failed, else null.',
    },
    { name: 'requestparameters', type: 'json', description: 'Request parameters, JSON text.' },
    { name: 'responseelements', type: 'json', description: 'Response elements, JSON text.' },
    { name: 'additionaleventdata', type: 'json', description: 'Additional event data, JSON text.' },
    { name: 'requestid', type: 'string', description: 'Request id assigned by the service.' },
    { name: 'eventid', type: 'string', description: 'CloudTrail event id (unique per event).' },
    { name: 'eventtype', type: 'string', description: 'AwsApiCall, AwsConsoleSignIn, AwsServiceEvent, ...' },
    { name: 'apiversion', type: 'string', description: 'API version, where the service reports one.' },
    { name: 'readonly', type: 'boolean', description: 'True for read-only API calls.' },
    { name: 'managementevent', type: 'boolean', description: 'True for management events.' },
    { name: 'eventcategory', type: 'string', description: 'Management, Data, Insight or NetworkActivity.' },
    { name: 'recipientaccountid', type: 'string', description: 'Account that received the event.' },
    {
      name: 'sharedeventid',
      type: 'string',
      description: 'Id shared by events delivered to several accounts.',
    },
    { name: 'vpcendpointid', type: 'string', description: 'VPC endpoint the request came through.' },
    {
      name: 'resources',
      type: { list: { struct: { arn: 'string', accountid: 'string', type: 'string' } } },
      description: 'Resources the request acted on.',
    },
    {
      name: 'tlsdetails',
      type: { struct: { tlsversion: 'string', ciphersuite: 'string', clientprovidedhostheader: 'string' } },
      description: 'TLS version, cipher suite and host header of the request.',
    },
    {
      name: 'sessioncredentialfromconsole',
      type: 'string',
      description: '"true" when the credentials came from the console.',
    },
    { name: 'serviceeventdetails', type: 'json', description: 'Details of an AwsServiceEvent, JSON text.' },
    ...COMMON_COLUMNS,
  ],
};

/** The shapes of a CloudTrail record as the sample writes it, and of the attack scenarios it reports. */

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface CloudTrailSessionIssuer {
  type: 'Role';
  principalId: string;
  arn: string;
  accountId: string;
  userName: string;
}

export interface CloudTrailSessionContext {
  /** Empty for IAM user and root console sessions. */
  sessionIssuer: CloudTrailSessionIssuer | Record<string, never>;
  webIdFederationData: Record<string, never>;
  attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
  ec2RoleDelivery?: '2.0';
}

export interface CloudTrailUserIdentity {
  type?: 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSService';
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  sessionContext?: CloudTrailSessionContext;
  invokedBy?: string;
}

export interface CloudTrailResource {
  accountId?: string;
  type: string;
  ARN: string;
}

/** One record as CloudTrail writes it into a delivery file, keys in CloudTrail's order. */
export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: CloudTrailUserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData?: JsonObject;
  requestID?: string;
  eventID: string;
  readOnly: boolean;
  resources?: CloudTrailResource[];
  eventType: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  managementEvent: boolean;
  recipientAccountId: string;
  sharedEventID?: string;
  serviceEventDetails?: JsonObject;
  vpcEndpointId?: string;
  vpcEndpointAccountId?: string;
  eventCategory: 'Management' | 'Data';
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
  sessionCredentialFromConsole?: 'true';
}

export interface CloudTrailScenario {
  name: string;
  description: string;
  eventIds: string[];
}

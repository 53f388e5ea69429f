import { COMMON_COLUMNS, type TableSchema } from '../../schema/types.js';

/**
 * The `guardduty` table: a finding's fields lower-cased (as Athena's and Sigma's GuardDuty
 * mappings name them); the resource, whose shape depends on the resource type, as JSON text; the
 * service block as a struct whose varying parts (action, evidence, additional info) are JSON.
 */
export const guarddutySchema: TableSchema = {
  name: 'guardduty',
  description:
    'Amazon GuardDuty findings, one row per finding version (a finding updated later is a new row).',
  timeColumn: 'ts',
  columns: [
    { name: 'schemaversion', type: 'string', description: 'Finding schema version, e.g. 2.0.' },
    { name: 'accountid', type: 'string', description: 'Account the finding is about.' },
    { name: 'region', type: 'string', description: 'Region of the finding.' },
    { name: 'partition', type: 'string', description: 'AWS partition, e.g. aws.' },
    { name: 'id', type: 'string', description: 'Finding id (the same across updates of the finding).' },
    { name: 'arn', type: 'string', description: 'Finding ARN.' },
    {
      name: 'type',
      type: 'string',
      description:
        'Finding type, ThreatPurpose:ResourceType/ThreatFamily.Artifact, e.g. UnauthorizedAccess:EC2/SSHBruteForce.',
    },
    { name: 'title', type: 'string', description: 'One-line summary.' },
    { name: 'description', type: 'string', description: 'What GuardDuty saw, in its words.' },
    { name: 'severity', type: 'double', description: 'Severity 1.0–10.0.' },
    {
      name: 'severity_label',
      type: 'string',
      description: 'Low (1–3.9), Medium (4–6.9), High (7–8.9) or Critical (9–10), derived from severity.',
    },
    { name: 'createdat', type: 'timestamp', description: 'When the finding was first created, UTC.' },
    {
      name: 'updatedat',
      type: 'timestamp',
      description: 'When this version of the finding was written, UTC.',
    },
    {
      name: 'resource_type',
      type: 'string',
      description: 'resource.resourceType: Instance, AccessKey, S3Bucket, EKSCluster, AttackSequence, …',
    },
    {
      name: 'resource',
      type: 'json',
      description: 'The affected resource, JSON text (shape per resource type).',
    },
    {
      name: 'service',
      type: {
        struct: {
          servicename: 'string',
          detectorid: 'string',
          featurename: 'string',
          resourcerole: 'string',
          archived: 'boolean',
          count: 'bigint',
          eventfirstseen: 'string',
          eventlastseen: 'string',
          action: 'json',
          evidence: 'json',
          additionalinfo: 'json',
        },
      },
      description:
        'How GuardDuty saw it: detector, counts, first/last seen, and the action (API call, network connection, port probe, DNS request) as JSON.',
    },
    ...COMMON_COLUMNS,
  ],
};

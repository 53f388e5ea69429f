import { COMMON_COLUMNS, type TableSchema } from '../../schema/types.js';

/**
 * The `securityhub` table: AWS Security Finding Format (ASFF) fields lower-cased; fixed shapes
 * (severity, compliance, workflow) as structs, varying ones (resources, product fields, network)
 * as JSON text.
 */
export const securityhubSchema: TableSchema = {
  name: 'securityhub',
  description: 'AWS Security Hub findings (ASFF) from every integrated product, one row per finding version.',
  timeColumn: 'ts',
  columns: [
    { name: 'schemaversion', type: 'string', description: 'ASFF version, 2018-10-08.' },
    { name: 'id', type: 'string', description: 'Finding id (the product’s; the same across updates).' },
    { name: 'productarn', type: 'string', description: 'ARN of the product that raised it.' },
    {
      name: 'productname',
      type: 'string',
      description: 'Product name: GuardDuty, Inspector, Security Hub, Macie, …',
    },
    { name: 'companyname', type: 'string', description: 'Company of the product, e.g. AWS.' },
    { name: 'region', type: 'string', description: 'Region of the finding.' },
    {
      name: 'generatorid',
      type: 'string',
      description: 'Rule or control that generated it, e.g. security-control/S3.8.',
    },
    { name: 'awsaccountid', type: 'string', description: 'Account the finding is about.' },
    { name: 'types', type: { list: 'string' }, description: 'Finding types, namespace/category/classifier.' },
    { name: 'firstobservedat', type: 'timestamp', description: 'When the issue was first observed, UTC.' },
    { name: 'lastobservedat', type: 'timestamp', description: 'When the issue was last observed, UTC.' },
    { name: 'createdat', type: 'timestamp', description: 'When the finding was created, UTC.' },
    {
      name: 'updatedat',
      type: 'timestamp',
      description: 'When this version of the finding was written, UTC.',
    },
    {
      name: 'severity',
      type: { struct: { label: 'string', normalized: 'bigint', original: 'string', product: 'double' } },
      description:
        'Severity: label INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL, normalised 0–100, the product’s own.',
    },
    { name: 'title', type: 'string', description: 'One-line summary.' },
    { name: 'description', type: 'string', description: 'What was found.' },
    { name: 'remediation', type: 'json', description: 'Remediation text and URL, JSON text.' },
    { name: 'productfields', type: 'json', description: 'Product-specific fields, JSON text.' },
    { name: 'resources', type: 'json', description: 'Affected resources (type, id, details), JSON text.' },
    { name: 'resource_type', type: 'string', description: 'Type of the first resource, e.g. AwsS3Bucket.' },
    { name: 'resource_id', type: 'string', description: 'Id (usually the ARN) of the first resource.' },
    {
      name: 'compliance',
      type: { struct: { status: 'string' } },
      description: 'PASSED, WARNING, FAILED or NOT_AVAILABLE for control findings.',
    },
    {
      name: 'workflow',
      type: { struct: { status: 'string' } },
      description: 'NEW, NOTIFIED, RESOLVED or SUPPRESSED.',
    },
    { name: 'recordstate', type: 'string', description: 'ACTIVE or ARCHIVED.' },
    { name: 'network', type: 'json', description: 'Network details of the finding, JSON text.' },
    {
      name: 'threatintelindicators',
      type: 'json',
      description: 'Threat intelligence indicators, JSON text.',
    },
    ...COMMON_COLUMNS,
  ],
};

import { cloudtrailSchema } from '../../sources/cloudtrail/schema.js';
import { schemaPipeline } from './schema.js';

/**
 * AWS CloudTrail: logsource product aws, service cloudtrail -> table cloudtrail. Field names map to
 * the schema by lower-casing (eventName -> eventname, userIdentity.arn -> useridentity.arn), and
 * paths into requestParameters, responseElements, additionalEventData and serviceEventDetails
 * become JSON extractions with the key's case kept (requestParameters.bucketName -> $.bucketName).
 */
export const cloudtrailPipeline = schemaPipeline({
  name: 'cloudtrail',
  schema: cloudtrailSchema,
  logsource: { product: 'aws', service: 'cloudtrail' },
});

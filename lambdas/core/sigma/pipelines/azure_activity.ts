import { azureActivitySchema } from '../../sources/azure_activity/schema.js';
import { schemaPipeline } from './schema.js';

/**
 * Azure Activity Log: logsource product azure, service activitylogs -> table azure_activity. The
 * export's names map by lower-casing (operationName, properties.message as a JSON key); the Log
 * Analytics AzureActivity names SigmaHQ also uses map to the derived columns.
 */
export const azureActivityPipeline = schemaPipeline({
  name: 'azure_activitylogs',
  schema: azureActivitySchema,
  logsource: { product: 'azure', service: 'activitylogs' },
  aliases: {
    CategoryValue: 'category',
    ResourceProviderValue: 'resourceprovider',
    OperationNameValue: 'operationname',
    ActivityStatusValue: 'resulttype',
    Caller: 'caller',
    CallerIpAddress: 'calleripaddress',
  },
});

import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import { glueType } from '../../lambdas/core/schema/types.js';
import { resourcesOf, synthesise } from './synth.js';

let template: Template;

beforeAll(() => {
  template = synthesise().template;
});

describe('Glue tables', () => {
  test('one table per registry entry, in one database, and no crawler', () => {
    template.resourceCountIs('AWS::Glue::Database', 1);
    template.resourceCountIs('AWS::Glue::Crawler', 0);
    const names = resourcesOf(template, 'AWS::Glue::Table').map(([, t]) => t.Properties.TableInput.Name);
    expect(names.sort()).toEqual(TABLES.map((t) => t.name).sort());
  });

  test('columns match the registry, rendered with glueType, in order', () => {
    for (const table of TABLES) {
      const input = resourcesOf(template, 'AWS::Glue::Table').find(
        ([, t]) => t.Properties.TableInput.Name === table.name,
      )?.[1].Properties.TableInput;
      const columns = input.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => [
        c.Name,
        c.Type,
      ]);
      expect(columns).toEqual(table.columns.map((c) => [c.name, glueType(c.type)]));
    }
  });

  test('Parquet SerDe, dt/hour string partitions and partition projection', () => {
    for (const table of TABLES) {
      template.hasResourceProperties('AWS::Glue::Table', {
        TableInput: Match.objectLike({
          Name: table.name,
          TableType: 'EXTERNAL_TABLE',
          PartitionKeys: [
            { Name: 'dt', Type: 'string' },
            { Name: 'hour', Type: 'string' },
          ],
          StorageDescriptor: Match.objectLike({
            InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            SerdeInfo: Match.objectLike({
              SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            }),
          }),
          Parameters: Match.objectLike({
            'projection.enabled': 'true',
            'projection.dt.type': 'date',
            'projection.dt.range': 'NOW-3YEARS,NOW',
            'projection.dt.format': 'yyyy-MM-dd',
            'projection.hour.type': 'integer',
            'projection.hour.range': '0,23',
            'projection.hour.digits': '2',
            'storage.location.template': {
              'Fn::Join': [
                '',
                [
                  's3://',
                  { Ref: Match.stringLikeRegexp('^DataLake') },
                  `/tables/${table.name}/dt=\${dt}/hour=\${hour}/`,
                ],
              ],
            },
          }),
        }),
      });
    }
  });
});

describe('Athena workgroup', () => {
  test('enforces its configuration, a scan cutoff and KMS-encrypted results in the results bucket', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        ResultConfiguration: {
          OutputLocation: {
            'Fn::Join': [
              '',
              ['s3://', { Ref: Match.stringLikeRegexp('^DataLakeAthenaResults') }, '/athena/'],
            ],
          },
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() },
        },
      }),
    });
  });

  test('the cutoff is configurable', () => {
    const small = synthesise({ bytesScannedCutoffPerQuery: 100 * 1024 ** 2 }).template;
    small.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 100 * 1024 ** 2 }),
    });
  });
});

/**
 * Custom JSON sources on AWS: `-c sourcesFile=…` gives each declared source a Glue table like the
 * built-in ones, and the functions the same declarations (MANTISSA_CUSTOM_SOURCES). A file with a
 * mistake fails synthesis with the parser's message.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lakeTables } from '../../lambdas/adapters/aws/deployed-sources.js';
import { TABLES } from '../../lambdas/core/schema/registry.js';
import { MantissaStack } from '../../lib/mantissa-stack.js';
import { type CfnResourceJson, FIXTURE_HANDLERS, resourcesOf } from './synth.js';

/** As a user names it on the command line: relative to where `cdk` runs (the repository root). */
const FIXTURE = 'test/cdk/fixtures/sources.yaml';

/** The stack as bin/app.ts builds it, with `sourcesFile` in the context and cdk-nag registered. */
function synthWith(sourcesFile?: string): Template {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], ...(sourcesFile === undefined ? {} : { sourcesFile }) },
  });
  const stack = new MantissaStack(app, 'MantissaLog', { handlers: FIXTURE_HANDLERS });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return Template.fromStack(stack);
}

const glueTable = (template: Template, name: string) =>
  resourcesOf(template, 'AWS::Glue::Table').find(([, t]) => t.Properties.TableInput.Name === name)?.[1];

const lakeRef = { Ref: expect.stringMatching(/^DataLake[0-9A-F]{8}$/) };
const inBucket = (path: string) => ({ 'Fn::Join': ['', ['s3://', lakeRef, path]] });

/** What the fixture's checkout_api declares, frozen as the functions receive it. */
const CHECKOUT_DECLARATION = {
  name: 'checkout_api',
  description: 'Checkout service request log',
  key_patterns: ['(^|/)checkout/'],
  timestamp: { field: 'meta.time', format: '%d/%b/%Y:%H:%M:%S %z' },
  id_field: 'request_id',
  columns: [
    { name: 'request_id', type: 'string', description: 'Request id set by the load balancer.' },
    { name: 'status', type: 'bigint', path: 'http.status' },
    { name: 'client', type: { struct: { ip: 'string', user: 'string' } } },
    { name: 'tags', type: { list: 'string' } },
    { name: 'started', type: 'timestamp' },
  ],
};

/** An inferred column as written out: the path only where it is not the name. */
const inferred = (name: string, type: string, field = name) => ({
  name,
  type,
  description: `Inferred from the sample's ${JSON.stringify(field)}.`,
  ...(field === name ? {} : { path: field }),
});

/** batch_jobs is `infer: true`: its columns are inferred from the sample at synth and written out. */
const JOBS_DECLARATION = {
  name: 'batch_jobs',
  description: '',
  key_patterns: ['(^|/)jobs/'],
  timestamp: { field: 'finished', format: 'epoch_ms' },
  columns: [
    inferred('job', 'string'),
    inferred('finished', 'bigint'),
    inferred('ok', 'boolean'),
    inferred('rows', 'bigint'),
    inferred('host', 'json'),
    inferred('error', 'string'),
    inferred('run_time', 'double', 'Run-Time'),
  ],
};

describe('a sources file given with -c sourcesFile', () => {
  let template: Template;
  beforeAll(() => {
    template = synthWith(FIXTURE);
  });

  test('a declared source gets exactly this Glue table: columns, types, Parquet, partition projection, location', () => {
    const common = [
      { Name: 'extra', Type: 'string', Comment: 'The rest of the record, what no column reads, JSON text.' },
      { Name: 'ts', Type: 'timestamp', Comment: 'Event time, UTC.' },
      {
        Name: 'event_id',
        Type: 'string',
        Comment: 'Stable identifier of the event: the same record ingested twice has the same event_id.',
      },
      { Name: 'ingest_ts', Type: 'timestamp', Comment: 'When Mantissa Log wrote the row, UTC.' },
      { Name: 'source_object', Type: 'string', Comment: 'The object or file the record came from.' },
    ];
    expect(glueTable(template, 'checkout_api')).toEqual({
      Type: 'AWS::Glue::Table',
      Properties: {
        CatalogId: { Ref: 'AWS::AccountId' },
        DatabaseName: 'mantissa_log',
        TableInput: {
          Name: 'checkout_api',
          Description: 'Checkout service request log',
          TableType: 'EXTERNAL_TABLE',
          Parameters: {
            classification: 'parquet',
            EXTERNAL: 'TRUE',
            'projection.enabled': 'true',
            'projection.dt.type': 'date',
            'projection.dt.range': 'NOW-3YEARS,NOW',
            'projection.dt.format': 'yyyy-MM-dd',
            'projection.dt.interval': '1',
            'projection.dt.interval.unit': 'DAYS',
            'projection.hour.type': 'integer',
            'projection.hour.range': '0,23',
            'projection.hour.digits': '2',
            'storage.location.template': inBucket(`/tables/checkout_api/dt=\${dt}/hour=\${hour}/`),
          },
          PartitionKeys: [
            { Name: 'dt', Type: 'string' },
            { Name: 'hour', Type: 'string' },
          ],
          StorageDescriptor: {
            Location: inBucket('/tables/checkout_api/'),
            InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            SerdeInfo: {
              SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
              Parameters: { 'serialization.format': '1' },
            },
            Columns: [
              { Name: 'request_id', Type: 'string', Comment: 'Request id set by the load balancer.' },
              { Name: 'status', Type: 'bigint', Comment: "From the record's http.status." },
              { Name: 'client', Type: 'struct<ip:string,user:string>', Comment: "From the record's client." },
              { Name: 'tags', Type: 'array<string>', Comment: "From the record's tags." },
              { Name: 'started', Type: 'timestamp', Comment: "From the record's started." },
              ...common,
            ],
          },
        },
      },
      DependsOn: [expect.stringMatching(/^CatalogDatabase/)],
    });
  });

  test('an inferred source gets the columns inferred from its sample at synth, and a generated description', () => {
    const input = glueTable(template, 'batch_jobs')?.Properties.TableInput;
    expect(input.Description).toBe('Custom JSON source batch_jobs, declared in the sources file.');
    expect(input.StorageDescriptor.Location).toEqual(inBucket('/tables/batch_jobs/'));
    expect(
      input.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => `${c.Name} ${c.Type}`),
    ).toEqual([
      'job string',
      'finished bigint',
      'ok boolean',
      'rows bigint',
      'host string',
      'error string',
      'run_time double',
      'extra string',
      'ts timestamp',
      'event_id string',
      'ingest_ts timestamp',
      'source_object string',
    ]);
    expect(input.Parameters['projection.enabled']).toBe('true');
  });

  test('the built-in tables are all still there, the custom ones after them', () => {
    const names = resourcesOf(template, 'AWS::Glue::Table').map(([, t]) => t.Properties.TableInput.Name);
    expect(names).toEqual([...TABLES.map((t) => t.name), 'checkout_api', 'batch_jobs']);
  });

  test('ingest, detection and the API get the frozen declarations; they rebuild the same tables', () => {
    const value = JSON.stringify({ sources: [CHECKOUT_DECLARATION, JOBS_DECLARATION] });
    const withValue = resourcesOf(template, 'AWS::Lambda::Function')
      .filter(([, fn]) => fn.Properties.Environment?.Variables?.MANTISSA_CUSTOM_SOURCES !== undefined)
      .map(([, fn]: [string, CfnResourceJson]) => {
        expect(fn.Properties.Environment.Variables.MANTISSA_CUSTOM_SOURCES).toBe(value);
        return fn.Properties.Description as string;
      });
    expect(withValue).toEqual(
      expect.arrayContaining([
        'Mantissa Log ingest: parse landed objects into lake tables',
        'Mantissa Log detection cycle: scheduled rules over new lake data',
        'Mantissa Log HTTP API',
      ]),
    );
    // What a function builds from that value is what Glue declares, column for column.
    const tables = lakeTables({ MANTISSA_CUSTOM_SOURCES: value }).slice(TABLES.length);
    for (const table of tables) {
      const columns = glueTable(template, table.name)?.Properties.TableInput.StorageDescriptor.Columns;
      expect(columns.map((c: { Name: string }) => c.Name)).toEqual(table.columns.map((c) => c.name));
    }
  });

  test('functions that query the lake may read the custom tables in Glue', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':table/mantissa_log/checkout_api');
    expect(policies).toContain(':table/mantissa_log/batch_jobs');
  });

  test('without the option the stack has no custom tables and no declarations variable', () => {
    const plain = synthWith();
    const names = resourcesOf(plain, 'AWS::Glue::Table').map(([, t]) => t.Properties.TableInput.Name);
    expect(names).toEqual(TABLES.map((t) => t.name));
    expect(JSON.stringify(plain.findResources('AWS::Lambda::Function'))).not.toContain(
      'MANTISSA_CUSTOM_SOURCES',
    );
  });
});

describe('a sources file with a mistake fails synthesis with the parser’s message', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mantissa-cdk-sources-'));
    mkdirSync(join(dir, 'samples'));
    file = relative(process.cwd(), join(dir, 'sources.yaml'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const failure = (yaml: string) => {
    writeFileSync(join(dir, 'sources.yaml'), yaml);
    return () => synthWith(file);
  };

  test('an unsupported time directive names the file and the field', () => {
    expect(
      failure(`sources:
  - name: app_log
    key_patterns: ['^app/']
    timestamp: { field: t, format: '%Y-%m-%d %Q' }
    columns: [{ name: msg, type: string }]
`),
    ).toThrow(
      `${file}: sources[0].timestamp.format: unsupported directive %Q (supported: %Y %m %d %e %H %M %S %f %b %z)`,
    );
  });

  test('a built-in table name is refused', () => {
    expect(
      failure(`sources:
  - name: cloudtrail
    key_patterns: ['^ct/']
    timestamp: { field: t }
    columns: [{ name: msg, type: string }]
`),
    ).toThrow(`${file}: sources[0].name: "cloudtrail" is a built-in table`);
  });

  test('an infer: true source whose sample is missing', () => {
    expect(
      failure(`sources:
  - name: app_log
    key_patterns: ['^app/']
    timestamp: { field: t }
    infer: true
    sample: samples/none.ndjson
`),
    ).toThrow(
      `${file}: sources[0].sample: sample file ${join(dir, 'samples', 'none.ndjson')} does not exist`,
    );
  });

  test('a file that does not exist', () => {
    expect(() => synthWith('test/cdk/fixtures/no-such-sources.yaml')).toThrow(
      'test/cdk/fixtures/no-such-sources.yaml: file does not exist (named by -c sourcesFile)',
    );
  });

  test('declarations too large for the functions’ environment', () => {
    const columns = Array.from(
      { length: 60 },
      (_, i) =>
        `      - { name: field_${i}, type: string, description: 'Something the service logs, number ${i}.' }`,
    ).join('\n');
    expect(
      failure(`sources:
  - name: wide_log
    key_patterns: ['^wide/']
    timestamp: { field: t }
    columns:
${columns}
`),
    ).toThrow(
      new RegExp(
        `^${file.replaceAll('.', '\\.')}: the declarations take \\d{4} bytes in the functions' environment, more than the 3000 that fit in Lambda's 4 KB`,
      ),
    );
  });
});

import { Aws, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLES } from '../lambdas/core/schema/registry.js';
import { glueType, PARTITION_COLUMNS, type TableSchema } from '../lambdas/core/schema/types.js';
import { type DeployedSourcesFile, loadSourcesFile, SOURCES_FILE_CONTEXT } from './custom-sources.js';
import { grantKey, grantObjects } from './grants.js';

export interface LakeCatalogProps {
  readonly lakeBucket: s3.IBucket;
  readonly resultsBucket: s3.IBucket;
  readonly key: kms.IKey;
  /** Tables to define. @default TABLES, the schema registry */
  readonly tables?: readonly TableSchema[];
  /** Glue database name; unique per account and region. @default 'mantissa_log' */
  readonly databaseName?: string;
  /** Athena workgroup name; unique per account and region. @default 'mantissa-log' */
  readonly workgroupName?: string;
  /** Per-query scan limit, in bytes (Athena's minimum is 10 MB). @default 10 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
  /** How far back partition projection reaches; keep it equal to the tables' retention. @default 3 */
  readonly projectionYears?: number;
  /**
   * The custom sources file (context `sourcesFile`, the format of the local `$MANTISSA_HOME/sources.yaml`),
   * relative to where `cdk` runs. Validated at synth; each source gets a Glue table like the built-in
   * ones, and `environment` carries the same declarations to the functions.
   * @default - no custom sources
   */
  readonly sourcesFile?: string;
}

const PARQUET = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
};

/**
 * The lake's query side: a Glue database with one table per registry entry and per custom source
 * (partition projection, so no crawler and no partition maintenance) and an Athena workgroup that
 * enforces its own result location, encryption and scan limit. Stateless: it can be replaced
 * without touching data.
 */
export class LakeCatalog extends Construct {
  readonly databaseName: string;
  readonly workgroupName: string;
  readonly workgroup: athena.CfnWorkGroup;
  readonly tableNames: readonly string[];
  /** The custom sources deployed with this catalog, if a sources file was given. */
  readonly customSources?: DeployedSourcesFile;
  /**
   * What every function that reads or writes the lake needs in its environment to see the custom
   * tables (`MANTISSA_CUSTOM_SOURCES`); empty without custom sources.
   */
  readonly environment: Record<string, string>;
  private readonly props: LakeCatalogProps;

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    this.props = props;
    this.databaseName = props.databaseName ?? 'mantissa_log';
    this.workgroupName = props.workgroupName ?? 'mantissa-log';
    if (props.sourcesFile !== undefined && typeof props.sourcesFile !== 'string') {
      throw new Error(
        `-c ${SOURCES_FILE_CONTEXT} must be a file path, got ${JSON.stringify(props.sourcesFile)}`,
      );
    }
    // Thrown here, a sources file with a mistake fails synthesis with the parser's message.
    this.customSources = props.sourcesFile?.trim() ? loadSourcesFile(props.sourcesFile.trim()) : undefined;
    this.environment = this.customSources?.environment ?? {};
    const tables = [...(props.tables ?? TABLES), ...(this.customSources?.tables ?? [])];
    this.tableNames = tables.map((t) => t.name);

    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.databaseName,
        description: 'Mantissa Log lake: one table per log source, Parquet, partitioned by dt/hour',
      },
    });

    for (const table of tables) {
      const cfn = new glue.CfnTable(this, `Table-${table.name}`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: glueTableInput(table, props.lakeBucket.bucketName, props.projectionYears ?? 3),
      });
      cfn.addResourceDependency(database);
    }

    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: this.workgroupName,
      description: 'Mantissa Log queries: results encrypted, per-query scan limit enforced',
      state: 'ENABLED',
      // Lets the stack delete the workgroup even when it holds saved query history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Clients cannot override the result location, encryption or the scan limit.
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/athena/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });
  }

  /** ARNs of the catalog, database and each table, for Glue read grants without wildcards. */
  glueReadArns(): string[] {
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName?: string) =>
      stack.formatArn({ service: 'glue', resource, resourceName });
    return [
      arn('catalog'),
      arn('database', this.databaseName),
      ...this.tableNames.map((t) => arn('table', `${this.databaseName}/${t}`)),
    ];
  }

  /**
   * Lets `grantee` run Athena queries in this workgroup: Athena acts with the caller's credentials,
   * so the caller needs the workgroup, the Glue metadata, read on `tables/`, write on the results
   * bucket and the key. Every resource is named; nothing is granted on "*".
   */
  grantQuery(role: iam.IRole): void {
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: [
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:GetQueryRuntimeStatistics',
        'athena:GetWorkGroup',
      ],
      resourceArns: [this.workgroupArn()],
    });
    iam.Grant.addToPrincipal({
      grantee: role,
      actions: [
        'glue:GetDatabase',
        'glue:GetDatabases',
        'glue:GetTable',
        'glue:GetTables',
        'glue:GetPartitions',
      ],
      resourceArns: this.glueReadArns(),
    });
    grantObjects(role, this.props.lakeBucket, { prefix: 'tables/' });
    grantObjects(role, this.props.resultsBucket, { prefix: 'athena/', write: true });
    grantKey(role, this.props.key, 'encrypt-decrypt');
  }

  /** ARN of the workgroup, for Athena grants. */
  workgroupArn(): string {
    return Stack.of(this).formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.workgroupName,
    });
  }
}

/** The Glue `TableInput` of one lake table, built-in or custom: Parquet, dt/hour partitions, projection. */
export function glueTableInput(
  table: TableSchema,
  bucketName: string,
  projectionYears: number,
): glue.CfnTable.TableInputProperty {
  const location = `s3://${bucketName}/tables/${table.name}/`;
  return {
    name: table.name,
    description: table.description,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      classification: 'parquet',
      EXTERNAL: 'TRUE',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.range': `NOW-${projectionYears}YEARS,NOW`,
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'projection.hour.type': 'integer',
      'projection.hour.range': '0,23',
      'projection.hour.digits': '2',
      'storage.location.template': `${location}dt=\${dt}/hour=\${hour}/`,
    },
    partitionKeys: PARTITION_COLUMNS.map((name) => ({ name, type: 'string' })),
    storageDescriptor: {
      location,
      inputFormat: PARQUET.inputFormat,
      outputFormat: PARQUET.outputFormat,
      serdeInfo: { serializationLibrary: PARQUET.serde, parameters: { 'serialization.format': '1' } },
      columns: table.columns.map((c) => ({
        name: c.name,
        type: glueType(c.type),
        // Glue caps column comments at 255 characters.
        comment: c.description.slice(0, 255),
      })),
    },
  };
}

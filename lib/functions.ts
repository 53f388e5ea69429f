import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CUSTOM_RULES_FOLDER } from '../lambdas/handlers/rules.js';

/** Repository root: esbuild runs here and resolves imports from its node_modules. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Packages that esbuild must leave out of the bundle because they load a native binary.
 * `@duckdb/node-api` pulls `@duckdb/node-bindings`, which picks its `.node` file from an optional,
 * per-platform package at run time.
 */
export const DUCKDB_EXTERNALS = ['@duckdb/node-api', '@duckdb/node-bindings'];

export interface MantissaFunctionProps {
  /** Entry file of the handler (TypeScript, exports `handler`). */
  readonly entry: string;
  readonly description: string;
  /** Extra environment; `MANTISSA_RUNTIME=aws` and `NODE_OPTIONS` are always set. @default - none */
  readonly environment?: Record<string, string>;
  /** @default Duration.minutes(1) */
  readonly timeout?: Duration;
  /** @default 1024 */
  readonly memorySize?: number;
  /** How long the function's log group keeps events. @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Ship `@duckdb/node-api` with its linux-arm64 native binding next to the bundle.
   * The binding is installed from the npm registry (or the local npm cache) at bundle time.
   * @default false
   */
  readonly duckdb?: boolean;
  /**
   * Ship `geoip-country` (the offline GeoLite2 country database alert enrichment reads) next to the
   * bundle. It is CommonJS that reads ~7 MB of data files from its own package folder, so esbuild
   * cannot inline it; the enrichment loads it lazily and notes its absence.
   * @default false
   */
  readonly geoip?: boolean;
  /** @default - no reserved concurrency (the account's unreserved pool) */
  readonly reservedConcurrentExecutions?: number;
  /**
   * The deployment's own rules folder (checked by lib/custom-rules.ts), copied beside the bundle as
   * `custom-rules/`, where lambdas/handlers/rules.ts loads it after the shipped rules.
   * @default - the shipped rules only
   */
  readonly customRules?: string;
}

/**
 * One Lambda function made the way every Mantissa Log function is made: Node.js 22 on arm64, ESM
 * bundle built locally by esbuild (never Docker), X-Ray active tracing, JSON logs to an explicit log group
 * with a retention, and a role that holds nothing but what the owning construct grants it.
 */
export class MantissaFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The packages installed beside the bundle (what the function may load that esbuild did not inline). */
  readonly installs: { duckdb: boolean; geoip: boolean };
  /** The rules folder copied beside the bundle, if any. */
  readonly customRules?: string;

  constructor(scope: Construct, id: string, props: MantissaFunctionProps) {
    super(scope, id);
    this.installs = { duckdb: props.duckdb ?? false, geoip: props.geoip ?? false };
    if (props.customRules) this.customRules = props.customRules;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      // Logs are evidence for an incident review: keep them when the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole: log writes are limited to this
    // function's own log group rather than every log group of the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(1),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      environment: {
        MANTISSA_RUNTIME: 'aws',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: bundlingOptions(this.installs, props.customRules),
    });

    // Active tracing is set on the L1 and its permissions live in a policy of their own, so the one
    // acknowledged "*" resource covers these two X-Ray actions and nothing later added to the role.
    const xray = new iam.Policy(this, 'XRay', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(xray).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions ' +
        '(AWS service authorization reference), so active tracing requires "*". This policy holds nothing else.',
    });
    (this.fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: 'Active' };
    this.fn.node.addDependency(xray);
    // Pinned on purpose: the same major as the engines/toolchain the project tests with.
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is a supported LTS runtime and the version the code is built and tested for; ' +
        'the move to a newer runtime is a deliberate, tested change, not an automatic one.',
    });
  }
}

function bundlingOptions({ duckdb, geoip }: { duckdb: boolean; geoip: boolean }, customRules?: string) {
  return {
    format: OutputFormat.ESM,
    target: 'node22',
    minify: true,
    sourceMap: true,
    // esbuild runs from node_modules (a devDependency); Docker is never needed.
    forceDockerBundling: false,
    // ESM bundles have no `require`; some CommonJS dependencies call it for Node built-ins.
    banner:
      "import { createRequire as __mlCreateRequire } from 'node:module';const require = __mlCreateRequire(import.meta.url);",
    mainFields: ['module', 'main'],
    // The Node 22 runtime ships AWS SDK v3; keeping it out makes bundles small and cold starts fast.
    externalModules: ['@aws-sdk/*', ...(duckdb ? DUCKDB_EXTERNALS : []), ...(geoip ? ['geoip-country'] : [])],
    ...(duckdb || geoip || customRules
      ? {
          commandHooks: afterBundlingHooks(
            {
              ...(duckdb ? { duckdb: duckdbVersion() } : {}),
              ...(geoip ? { geoip: pinnedVersion('geoip-country') } : {}),
            },
            customRules,
          ),
        }
      : {}),
  };
}

/**
 * Puts what esbuild cannot inline next to the bundle: `@duckdb/node-api` with its linux-arm64
 * native binding, `geoip-country`, which reads its data files from its own package folder, and the
 * deployment's own rules folder.
 *
 * Why not `nodeModules: ['@duckdb/node-api']`: that option copies the project lock file into the
 * bundle folder and runs `npm ci`, which rejects a lock file that lists only the developer's platform
 * binaries (the usual case), and even when it succeeds it installs the binding of the machine that
 * bundles (x64 on most CI), not of the Lambda (arm64). Installing explicitly with `--os/--cpu/--libc`
 * picks the right binary; a check afterwards makes a missing binary fail the build loudly instead of
 * being skipped as an absent optional dependency.
 */
function afterBundlingHooks(
  versions: BundleInstalls,
  customRules?: string,
): {
  beforeBundling(): string[];
  beforeInstall(): string[];
  afterBundling(inputDir: string, outputDir: string): string[];
} {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    // CDK runs each hook command in its own shell with the project root as working directory, so
    // each command names the bundle folder explicitly (a bare `cd` would not carry over and npm
    // would write into the project).
    afterBundling: (_inputDir: string, outputDir: string) => [
      ...(versions.duckdb || versions.geoip ? [bundleInstallCommand(outputDir, versions)] : []),
      ...(customRules ? [customRulesCopyCommand(outputDir, customRules)] : []),
    ],
  };
}

/** Copies the deployment's rules folder beside the bundle as `custom-rules/` (exported for tests). */
export function customRulesCopyCommand(outputDir: string, rulesDir: string): string {
  const target = JSON.stringify(`${outputDir}/${CUSTOM_RULES_FOLDER}`);
  return `mkdir -p ${target} && cp -R ${JSON.stringify(`${rulesDir}/.`)} ${target}/`;
}

/** Exact versions of the packages installed beside a bundle. */
export interface BundleInstalls {
  duckdb?: string;
  geoip?: string;
}

/** The shell command that installs DuckDB for linux/arm64 into `outputDir` (exported for tests). */
export function duckdbInstallCommand(outputDir: string, version: string): string {
  return bundleInstallCommand(outputDir, { duckdb: version });
}

/**
 * One `npm install` of every package a bundle needs beside it (one, because a second install into
 * the same folder would prune what the first installed), then a check per package that what the
 * function cannot run without is there.
 */
export function bundleInstallCommand(outputDir: string, versions: BundleInstalls): string {
  const dir = JSON.stringify(outputDir);
  const specs = [
    ...(versions.duckdb ? [`@duckdb/node-api@${versions.duckdb}`] : []),
    ...(versions.geoip ? [`geoip-country@${versions.geoip}`] : []),
  ];
  const steps = [
    // Without its own package.json npm would look upwards for a project to install into.
    `printf '{"private":true}' > ${dir}/package.json`,
    [
      // --ignore-scripts: geoip-country's scripts only refresh its database, which the pinned version carries.
      `npm install --prefix ${dir} --no-save --no-package-lock --omit=dev --ignore-scripts --no-audit --no-fund`,
      // --os/--cpu/--libc choose which optional platform package npm installs.
      `--prefer-offline --os=linux --cpu=arm64 --libc=glibc ${specs.join(' ')}`,
    ].join(' '),
  ];
  if (versions.duckdb) {
    steps.push(
      // npm skips an optional package it cannot fetch without failing; a function without its binary
      // must not be built.
      `{ test -f ${dir}/node_modules/@duckdb/node-bindings-linux-arm64/package.json || ` +
        `{ echo "@duckdb/node-bindings-linux-arm64@${versions.duckdb} was not installed (not published for this version?)" >&2; exit 1; }; }`,
      // Only the arm64 binary can load in the function; any other would only add size.
      `rm -rf ${dir}/node_modules/@duckdb/node-bindings-linux-x64* ${dir}/node_modules/@duckdb/node-bindings-darwin-*`,
    );
  }
  if (versions.geoip) {
    steps.push(
      `{ test -f ${dir}/node_modules/geoip-country/data/geoip-country.dat || ` +
        `{ echo "geoip-country@${versions.geoip} was installed without its data files" >&2; exit 1; }; }`,
    );
  }
  return steps.join(' && ');
}

/** The exact `@duckdb/node-api` version the project depends on (bindings share it). */
export function duckdbVersion(): string {
  return pinnedVersion('@duckdb/node-api');
}

/** The exact version package.json pins a dependency to; a range would let bundles drift from tests. */
export function pinnedVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(`${PROJECT_ROOT}package.json`, 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const version = pkg.dependencies?.[name];
  if (!version || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
    throw new Error(`package.json must pin ${name} to an exact version (found ${version ?? 'none'})`);
  }
  return version;
}

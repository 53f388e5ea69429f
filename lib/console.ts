import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { PROJECT_ROOT } from './functions.js';

export interface ConsoleProps {
  /** Bucket that receives the console's S3 server access logs and CloudFront standard logs. */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * Custom domain names. With a certificate they let CloudFront enforce TLS 1.2 (the default
   * `*.cloudfront.net` certificate cannot).
   * @default - the distribution's cloudfront.net name
   */
  readonly domainNames?: string[];
  /** Certificate for `domainNames` (must be in us-east-1). @default - none */
  readonly certificate?: acm.ICertificate;
  /** ARN of a CloudFront-scope WAF web ACL (created in us-east-1). @default - none */
  readonly webAclArn?: string;
  /** ISO 3166 country codes allowed to reach the console. @default - no geo restriction */
  readonly allowedCountries?: string[];
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export interface ConsoleUploadProps {
  /**
   * The console's runtime configuration, written as `/config.json` (API URL, Cognito client...).
   * Deploy-time values (tokens) are substituted when the upload runs.
   */
  readonly config: Record<string, string>;
  /** Folder of the console's static files (no build step). @default `<repository>/web` */
  readonly sourceDir?: string;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The web console: static files (`web/`) in a private bucket, served only through CloudFront
 * (Origin Access Control) with strict security headers. `upload()` deploys the files and their
 * configuration with the stack and invalidates the distribution.
 */
export class Console extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<domain>`: the origin the API allows and Cognito redirects to. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);

    // SSE-S3: the files are the public web build (no secrets); SSE-KMS would add a key-policy
    // coupling with CloudFront and a KMS request per object fetch without protecting anything.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 's3/console/',
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Mantissa Log console security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(), override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });

    const customDomain = props.domainNames !== undefined && props.certificate !== undefined;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Mantissa Log console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      // The console routes on the client: unknown paths get the app shell.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.minutes(5),
      })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      ...(customDomain
        ? {
            domainNames: props.domainNames,
            certificate: props.certificate,
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      ...(props.allowedCountries
        ? { geoRestriction: cloudfront.GeoRestriction.allowlist(...props.allowedCountries) }
        : {}),
      enableLogging: true,
      logBucket: props.accessLogsBucket,
      logFilePrefix: 'cloudfront/console/',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    const domain =
      customDomain && props.domainNames?.[0] ? props.domainNames[0] : this.distribution.domainName;
    this.origin = `https://${domain}`;

    if (!customDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, for which it ' +
          'fixes the viewer policy itself; pass domainNames + certificate to enforce TLSv1.2_2021.',
      });
    }
    if (!props.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'CloudFront web ACLs can only be created in us-east-1 and this stack deploys to any region; the ' +
          'console is static files and the API behind it has its own regional WAF. Pass webAclArn to attach one.',
      });
    }
    if (!props.allowedCountries) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR1',
        reason:
          'Security teams work from many countries and every request to data goes through Cognito MFA; ' +
          'pass allowedCountries to restrict the console geographically.',
      });
    }
  }

  /**
   * Uploads the console files and `config.json` on every deploy (a CDK custom resource: a Lambda
   * function with the AWS CLI layer, no Docker) and invalidates the distribution so the new files
   * are served at once.
   *
   * The upload function gets a role of its own, written here, instead of the one BucketDeployment
   * builds: that one may `s3:DeleteObject*` (every version) on the bucket, read the whole asset
   * bucket and invalidate any distribution. This one reads exactly the two asset zips, writes and
   * deletes current objects of the console bucket, and invalidates this distribution only.
   */
  upload(props: ConsoleUploadProps): s3deploy.BucketDeployment {
    const role = new iam.Role(this, 'UploadRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Uploads the Mantissa Log console files and invalidates its distribution',
    });
    // Grants BucketDeployment and the sources would add go nowhere; the policy below is the whole role.
    const fixedRole = role.withoutPolicyUpdates();
    const sources = [
      s3deploy.Source.asset(props.sourceDir ?? `${PROJECT_ROOT}web`),
      s3deploy.Source.jsonData('config.json', props.config),
    ].map((source) => source.bind(this, { handlerRole: fixedRole }));

    // Deploy-time output only (file names and CLI errors), not evidence: it goes with the stack.
    const logGroup = new logs.LogGroup(this, 'UploadLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const statements = [
      { actions: ['s3:GetObject'], resources: sources.map((s) => s.bucket.arnForObjects(s.zipObjectKey)) },
      { actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] },
      // `aws s3 sync --delete`: new files are put, files no longer in web/ deleted (a delete marker:
      // earlier versions stay for the bucket's 30-day rollback window).
      { actions: ['s3:PutObject', 's3:DeleteObject'], resources: [this.bucket.arnForObjects('*')] },
      {
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [this.distribution.distributionArn],
      },
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] },
    ];
    for (const statement of statements) role.addToPrincipalPolicy(new iam.PolicyStatement(statement));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
      reason:
        'The console upload syncs the whole web/ folder into the console bucket and deletes files removed ' +
        'from it, so it writes object names it only learns at deploy time. The bucket holds nothing but ' +
        'the console files; the role cannot delete object versions, read other buckets or touch the lake.',
    });

    const deployment = new s3deploy.BucketDeployment(this, 'Upload', {
      sources: sources.map((config) => ({ bind: () => config })),
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      // Browsers revalidate (ETag) on every load, so a new deploy (new API URL, new code) is seen at once.
      cacheControl: [s3deploy.CacheControl.noCache()],
      role: fixedRole,
      logGroup,
    });
    // The custom resource runs only once its policy exists.
    deployment.node.addDependency(role);
    // The handler is a singleton function at stack level; its construct name is public.
    const handler = deployment.node.findChild('CustomResourceHandler') as lambda.SingletonFunction;
    Validations.of(Stack.of(this).node.findChild(handler.constructName)).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "The upload function's code and Python runtime come with aws-cdk-lib's BucketDeployment and are " +
        'tested together there; it runs only while CloudFormation deploys, on its request alone, and moves ' +
        'to a newer runtime with the aws-cdk-lib upgrade.',
    });
    return deployment;
  }
}

/**
 * The console loads only its own files; it talks to the regional API Gateway and Cognito endpoints.
 * Wildcards for those hosts avoid a dependency cycle (the API and user pool reference the console's
 * origin for CORS and OAuth callbacks).
 */
function contentSecurityPolicy(): string {
  const region = Aws.REGION;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' https://*.execute-api.${region}.amazonaws.com https://cognito-idp.${region}.amazonaws.com https://*.auth.${region}.amazoncognito.com`,
    `form-action 'self' https://*.auth.${region}.amazoncognito.com`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}

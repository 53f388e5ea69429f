import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

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

/**
 * The web console: the Vite build in a private bucket, served only through CloudFront (Origin
 * Access Control) with strict security headers. The build is uploaded after deployment
 * (`aws s3 sync web/dist s3://<ConsoleBucket>`).
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

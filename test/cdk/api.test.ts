import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, test } from 'vitest';
import { grantBedrockInvoke } from '../../lib/grants.js';
import { type CfnResourceJson, resourcesOf, synthesise } from './synth.js';

let template: Template;
let methods: [string, CfnResourceJson][];
let consoleOrigin: unknown;

beforeAll(() => {
  template = synthesise().template;
  methods = resourcesOf(template, 'AWS::ApiGateway::Method');
  consoleOrigin = template.toJSON().Outputs.ConsoleUrl.Value;
});

const isHealthGet = (id: string, m: CfnResourceJson) =>
  id.includes('apiv1healthGET') && m.Properties.HttpMethod === 'GET';

describe('API authorisation', () => {
  test('every method except CORS preflights and GET /api/v1/health uses the Cognito authorizer', () => {
    const authorizer = resourcesOf(template, 'AWS::ApiGateway::Authorizer');
    expect(authorizer).toHaveLength(1);
    expect(authorizer[0]?.[1].Properties.Type).toBe('COGNITO_USER_POOLS');
    const guarded = methods.filter(([id, m]) => m.Properties.HttpMethod !== 'OPTIONS' && !isHealthGet(id, m));
    expect(guarded.length).toBeGreaterThan(0);
    for (const [id, method] of guarded) {
      expect(method.Properties.AuthorizationType, id).toBe('COGNITO_USER_POOLS');
      expect(method.Properties.AuthorizerId, id).toEqual({ Ref: authorizer[0]?.[0] });
    }
  });

  test('GET /api/v1/health is the only open method and has authorizationType NONE', () => {
    const open = methods.filter(
      ([, m]) => m.Properties.HttpMethod !== 'OPTIONS' && m.Properties.AuthorizationType === 'NONE',
    );
    expect(open).toHaveLength(1);
    expect(isHealthGet(...(open[0] as [string, CfnResourceJson]))).toBe(true);
  });

  test('every method has a request validator', () => {
    for (const [id, method] of methods.filter(([, m]) => m.Properties.HttpMethod !== 'OPTIONS')) {
      expect(method.Properties.RequestValidatorId, id).toBeDefined();
    }
  });
});

describe('outbox (dead letters)', () => {
  test('the API function may only send to the outbox queue: sqs:SendMessage, on that queue alone', () => {
    type Statement = { Action: string | string[]; Effect: string; Resource: unknown };
    const statements = resourcesOf(template, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('ApiHandlerRole'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
    const queues = resourcesOf(template, 'AWS::SQS::Queue').map(([id]) => id);
    const outbox = queues.filter((id) => /^OutboxQueue[0-9A-F]{8}$/.test(id));
    expect(outbox).toHaveLength(1);
    expect(statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')))).toEqual([
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [outbox[0], 'Arn'] } },
    ]);
  });
});

describe('CORS', () => {
  test('preflights allow exactly the console origin, never *', () => {
    const preflights = methods.filter(([, m]) => m.Properties.HttpMethod === 'OPTIONS');
    expect(preflights.length).toBeGreaterThan(0);
    for (const [id, method] of preflights) {
      const headers = method.Properties.Integration.IntegrationResponses[0].ResponseParameters;
      const origin = headers['method.response.header.Access-Control-Allow-Origin'];
      expect(render(origin), id).toBe(`'${render(consoleOrigin)}'`);
      expect(render(consoleOrigin)).toMatch(/^https:\/\/\$\{ConsoleDistribution\w+\.DomainName\}$/);
      expect(JSON.stringify(origin), id).not.toContain("'*'");
    }
  });

  test('the API function and gateway error responses carry the same origin', () => {
    const api = resourcesOf(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ApiHandler'));
    expect(api?.[1].Properties.Environment.Variables.CORS_ALLOWED_ORIGIN).toEqual(consoleOrigin);
    for (const [id, response] of resourcesOf(template, 'AWS::ApiGateway::GatewayResponse')) {
      expect(JSON.stringify(response.Properties.ResponseParameters), id).not.toContain("'*'");
    }
  });
});

describe('stage', () => {
  test('has JSON access logs to a retained log group, execution logging, tracing and throttling', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      TracingEnabled: true,
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ],
    });
  });

  test('is protected by a regional WAF web ACL', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL' });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });
});

describe('Cognito', () => {
  test('user pool: MFA required (TOTP), 12+ character passwords with every class, threat protection', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  test('groups admin, analyst and viewer exist', () => {
    const names = resourcesOf(template, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(names.sort()).toEqual(['admin', 'analyst', 'viewer']);
  });

  test('console client: public (no secret), authorization-code flow only, callback on the console', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    const client = resourcesOf(template, 'AWS::Cognito::UserPoolClient')[0]?.[1];
    expect(client?.Properties.CallbackURLs.map(render)).toEqual([`${render(consoleOrigin)}/`]);
    // SRP for the console; admin password auth (IAM-signed only) for scripts/smoke.ts; nothing else.
    expect([...(client?.Properties.ExplicitAuthFlows ?? [])].sort()).toEqual([
      'ALLOW_ADMIN_USER_PASSWORD_AUTH',
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_SRP_AUTH',
    ]);
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });
});

describe('console', () => {
  test('CloudFront reaches the bucket through Origin Access Control and redirects to HTTPS', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
      }),
    });
  });

  test('responses carry HSTS, CSP, X-Frame-Options DENY, nosniff and a referrer policy', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({
            AccessControlMaxAgeSec: 63072000,
            IncludeSubdomains: true,
          }),
          ContentSecurityPolicy: Match.objectLike({ ContentSecurityPolicy: Match.anyValue() }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
          ReferrerPolicy: Match.objectLike({ ReferrerPolicy: 'strict-origin-when-cross-origin' }),
        }),
      }),
    });
  });
});

/** Renders a CloudFormation string expression as text (`${Logical.Attr}` for references). */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { 'Fn::Join'?: [string, unknown[]]; 'Fn::GetAtt'?: [string, string]; Ref?: string };
  if (v['Fn::Join']) return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v.Ref) return `\${${v.Ref}}`;
  return JSON.stringify(value);
}

describe('natural-language questions', () => {
  type Statement = { Action: string | string[]; Effect: string; Resource: unknown; Condition?: unknown };
  const apiStatements = (t: Template) =>
    resourcesOf(t, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('ApiHandlerRole'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
  const about = (statements: Statement[], prefix: string) =>
    statements.filter((s) => [s.Action].flat().some((a) => a.startsWith(prefix)));
  const PROFILE =
    'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';

  test('the estimate reads Parquet footers: lake reads are GetObject on tables/* and listing the bucket, no write', () => {
    const lake = resourcesOf(template, 'AWS::S3::Bucket').find(([id]) =>
      /^DataLake[0-9A-F]{8}$/.test(id),
    )?.[0];
    const onLake = about(apiStatements(template), 's3:').filter((s) =>
      JSON.stringify(s.Resource).includes(`"${lake}"`),
    );
    expect(onLake).toEqual([
      {
        Action: ['s3:ListBucket', 's3:GetBucketLocation'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [lake, 'Arn'] },
      },
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [lake, 'Arn'] }, '/tables/*']] },
      },
    ]);
  });

  test('without -c bedrockModelArn the API may invoke no model and has no BEDROCK_MODEL_ARN', () => {
    expect(about(apiStatements(template), 'bedrock:')).toEqual([]);
    const api = resourcesOf(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ApiHandler'));
    expect(api?.[1].Properties.Environment.Variables.BEDROCK_MODEL_ARN).toBeUndefined();
  });

  test('an inference profile: InvokeModel on it, and on its model in any region only through it (cdk-nag passes)', () => {
    const withModel = synthesise({ bedrockModelArn: PROFILE }).template;
    expect(about(apiStatements(withModel), 'bedrock:')).toEqual([
      { Action: 'bedrock:InvokeModel', Effect: 'Allow', Resource: PROFILE },
      {
        Action: 'bedrock:InvokeModel',
        Effect: 'Allow',
        Resource: 'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': PROFILE } },
      },
    ]);
    const api = resourcesOf(withModel, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ApiHandler'));
    expect(api?.[1].Properties.Environment.Variables.BEDROCK_MODEL_ARN).toBe(PROFILE);
  });

  test('the detection function (alert summaries) gets the same grant and model, and only with the option', () => {
    const detection = (t: Template) =>
      resourcesOf(t, 'AWS::IAM::Policy')
        .filter(([id]) => id.startsWith('DetectionDetectRole'))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
    const fn = (t: Template) =>
      resourcesOf(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith('DetectionDetect'))?.[1];
    expect(about(detection(template), 'bedrock:')).toEqual([]);
    expect(fn(template)?.Properties.Environment.Variables.BEDROCK_MODEL_ARN).toBeUndefined();
    const withModel = synthesise({ bedrockModelArn: PROFILE }).template;
    expect(about(detection(withModel), 'bedrock:')).toEqual(about(apiStatements(withModel), 'bedrock:'));
    expect(about(detection(withModel), 'bedrock:')).toHaveLength(2);
    expect(fn(withModel)?.Properties.Environment.Variables.BEDROCK_MODEL_ARN).toBe(PROFILE);
  });

  test('a foundation model is granted alone; anything else is refused at synth', () => {
    const statements = (arn: string) => {
      const stack = new Stack();
      const role = new iam.Role(stack, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      });
      grantBedrockInvoke(role, arn);
      return Template.fromStack(stack).toJSON().Resources.RoleDefaultPolicy5FFB7DAB.Properties.PolicyDocument
        .Statement;
    };
    const model = 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0';
    expect(statements(model)).toEqual([{ Action: 'bedrock:InvokeModel', Effect: 'Allow', Resource: model }]);
    expect(() => statements('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toThrow(
      'bedrockModelArn "us.anthropic.claude-sonnet-4-5-20250929-v1:0" is not a Bedrock model or inference profile ARN',
    );
  });
});

import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The roles of the HTTP API; a user's role comes from the `cognito:groups` claim. */
export const ROLE_GROUPS = ['admin', 'analyst', 'viewer'] as const;

export interface AuthProps {
  /** Console origin (`https://...`, no trailing slash): the OAuth callback and sign-out URL. */
  readonly consoleOrigin: string;
  /**
   * MFA policy. OPTIONAL still offers TOTP to every user; REQUIRED makes every user enrol it.
   * @default cognito.Mfa.REQUIRED
   */
  readonly mfa?: cognito.Mfa;
  /** Prefix of the hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`), globally unique. */
  readonly domainPrefix: string;
  /**
   * Cognito threat protection (compromised-credential and adaptive-authentication checks, enforced).
   * Requires the Plus feature plan, billed per monthly active user.
   * @default true
   */
  readonly threatProtection?: boolean;
  /** @default RemovalPolicy.RETAIN (users and their MFA enrolments are not recreatable) */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Who may use the console and API: a Cognito user pool (administrator-created users only, TOTP MFA,
 * 12+ character passwords with every character class), the admin/analyst/viewer groups, a public
 * app client for the console (authorization-code flow; the console uses PKCE) and the hosted UI domain.
 */
export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const threatProtection = props.threatProtection ?? true;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // A SIEM console is not open to sign-up: administrators invite users.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      mfa: props.mfa ?? cognito.Mfa.REQUIRED,
      // TOTP only: SMS is phishable and needs an SNS role and spending limits.
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(threatProtection
        ? { standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION }
        : {}),
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    // Only reachable when the operator turns a protection off explicitly through a prop.
    if (!threatProtection) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason: 'Threat protection turned off explicitly by the operator (threatProtection: false).',
      });
    }
    if (props.mfa === cognito.Mfa.OPTIONAL) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason: 'MFA made optional explicitly by the operator (mfa: OPTIONAL); TOTP is still offered to all.',
      });
    }

    ROLE_GROUPS.forEach((group, precedence) => {
      new cognito.UserPoolGroup(this, `Group-${group}`, {
        userPool: this.userPool,
        groupName: group,
        // Lower precedence wins when a user is in several groups: admin over analyst over viewer.
        precedence,
        description: `Mantissa Log ${group}`,
      });
    });

    this.client = this.userPool.addClient('ConsoleClient', {
      // A browser application cannot keep a secret; PKCE protects its code exchange instead.
      generateSecret: false,
      // SRP for the console. ADMIN_USER_PASSWORD_AUTH is for scripts/smoke.ts: it is only callable
      // with IAM credentials allowed cognito-idp:AdminInitiateAuth, never from a browser, and still
      // ends in the MFA challenge.
      authFlows: { userSrp: true, adminUserPassword: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${props.consoleOrigin}/`],
        logoutUrls: [`${props.consoleOrigin}/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });
  }
}

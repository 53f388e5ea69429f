#!/usr/bin/env node
/**
 * CDK entry (named in cdk.json). Reads deployment options from context, checks that the handler
 * entry files exist and creates the one stack. The stack is environment-agnostic: it synthesises
 * without credentials and deploys to whatever account and region the CLI is pointed at.
 *
 * Context (`-c key=value` or cdk.json):
 *   handlers           JSON object {ingest, detection, alertRouter, api} or one path used for all four
 *   apm, soar, identity  feature flags (true/false); no module uses them yet
 *   organizationId     create an organisation CloudTrail into the landing bucket
 *   mfa=optional       offer TOTP instead of requiring it (default: required)
 *   authDomainPrefix   Cognito hosted-UI prefix (default mantissa-<account id>)
 *   bedrockModelArn    Bedrock model / inference-profile ARN the API may invoke
 *   emailIdentityArns  comma-separated SES identity ARNs alert email may be sent from
 *   alarmEmail         e-mail address subscribed to the alarm topic
 *   sourcesFile        custom JSON sources (sources.yaml): a Glue table each, routed by the ingest function
 *   rulesDir           the deployment's own SQL and Sigma rules (a folder, as $MANTISSA_HOME/rules), run beside the shipped ones
 *   bundling=false     skip esbuild (synth checks without building the functions)
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Mfa } from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CustomSourceError } from '../lambdas/core/sources/custom/config.js';
import { CustomRulesError } from '../lib/custom-rules.js';
import { PROJECT_ROOT } from '../lib/functions.js';
import { DEFAULT_HANDLERS, type HandlerEntries, MantissaStack } from '../lib/mantissa-stack.js';

const app = new App();

// Must happen before the stack is added: context cannot change once the tree has children.
if (String(app.node.tryGetContext('bundling')) === 'false') {
  app.node.setContext('aws:cdk:bundling-stacks', []);
}

const handlers = handlerEntries(app.node.tryGetContext('handlers'));
const missing = Object.entries(handlers).filter(([, path]) => !existsSync(path));
if (missing.length > 0) {
  console.error('Mantissa Log: cannot synthesise, handler entry files are missing:');
  for (const [name, path] of missing) console.error(`  ${name}: ${path}`);
  console.error(
    'Write them, or point elsewhere with -c handlers=\'{"ingest":"...",...}\' (or one path for all).',
  );
  process.exit(1);
}

try {
  createStack();
} catch (err) {
  // A bad sources file or rules folder is the user's input, not a bug: its message names the file and field.
  if (!(err instanceof CustomSourceError) && !(err instanceof CustomRulesError)) throw err;
  console.error(`Mantissa Log: cannot synthesise: ${err.message}`);
  process.exit(1);
}

function createStack(): MantissaStack {
  return new MantissaStack(app, 'MantissaLog', {
    description: 'Mantissa Log: serverless SIEM (lake, ingestion, detection, alerting, API, console)',
    handlers,
    features: {
      apm: flag(app.node.tryGetContext('apm')),
      soar: flag(app.node.tryGetContext('soar')),
      identity: flag(app.node.tryGetContext('identity')),
    },
    organizationId: optionalString(app.node.tryGetContext('organizationId')),
    mfa: String(app.node.tryGetContext('mfa')).toLowerCase() === 'optional' ? Mfa.OPTIONAL : Mfa.REQUIRED,
    authDomainPrefix: optionalString(app.node.tryGetContext('authDomainPrefix')),
    bedrockModelArn: optionalString(app.node.tryGetContext('bedrockModelArn')),
    emailIdentityArns: optionalString(app.node.tryGetContext('emailIdentityArns'))
      ?.split(',')
      .map((arn) => arn.trim())
      .filter(Boolean),
    alarmEmail: optionalString(app.node.tryGetContext('alarmEmail')),
  });
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

/** Context values arrive as strings from `-c`, as JSON values from cdk.json. */
function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function handlerEntries(value: unknown): HandlerEntries {
  let parsed: unknown = value;
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    try {
      parsed = JSON.parse(value);
    } catch {
      console.error(`Mantissa Log: -c handlers is not valid JSON: ${value}`);
      process.exit(1);
    }
  }
  const root = (path: string) => resolve(PROJECT_ROOT, path);
  if (typeof parsed === 'string' && parsed !== '') {
    const all = root(parsed);
    return { ingest: all, detection: all, alertRouter: all, api: all };
  }
  const given = (parsed ?? {}) as Partial<Record<keyof HandlerEntries, string>>;
  return {
    ingest: root(given.ingest ?? DEFAULT_HANDLERS.ingest),
    detection: root(given.detection ?? DEFAULT_HANDLERS.detection),
    alertRouter: root(given.alertRouter ?? DEFAULT_HANDLERS.alertRouter),
    api: root(given.api ?? DEFAULT_HANDLERS.api),
  };
}

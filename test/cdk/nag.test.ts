import { App } from 'aws-cdk-lib';
import { Mfa } from 'aws-cdk-lib/aws-cognito';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, test } from 'vitest';
import { MantissaStack } from '../../lib/mantissa-stack.js';
import { FIXTURE_HANDLERS, synthesise } from './synth.js';

/**
 * cdk-nag 3 reports through CDK's policy-validation plugins, not annotations, so the findings are
 * collected with `validateScope` (the same walk synthesis runs) rather than Annotations.fromStack.
 * `synthesise()` also registers the pack on the app, so a finding would already fail synthesis.
 */
function findings(props: Parameters<typeof synthesise>[0]) {
  const { stack } = synthesise(props);
  const report = new AwsSolutionsChecks(stack).validateScope(stack);
  return report.violations.map((v) => ({
    rule: v.ruleName,
    severity: v.severity,
    resources: v.violatingResources.map((r) => r.constructPath),
  }));
}

describe('cdk-nag AwsSolutions', () => {
  test('the default stack has no unacknowledged errors or warnings', () => {
    expect(findings({})).toEqual([]);
  });

  test('the organisation trail, optional MFA and alarm e-mail variants have none either', () => {
    expect(
      findings({ organizationId: 'o-a1b2c3d4e5', mfa: Mfa.OPTIONAL, alarmEmail: 'ops@example.com' }),
    ).toEqual([]);
  });
});

test('the check is live: an unprotected bucket added to the stack is reported', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MantissaStack(app, 'MantissaLog', { handlers: FIXTURE_HANDLERS });
  new Bucket(stack, 'Bare');
  const rules = new AwsSolutionsChecks(stack).validateScope(stack).violations.map((v) => v.ruleName);
  expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
});

import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type HandlerEntries, MantissaStack, type MantissaStackProps } from '../../lib/mantissa-stack.js';

/** A tiny real handler (returns its event) standing in for all four entry files. */
export const FIXTURE_HANDLER = fileURLToPath(new URL('./fixtures/handler.ts', import.meta.url));

export const FIXTURE_HANDLERS: HandlerEntries = {
  ingest: FIXTURE_HANDLER,
  detection: FIXTURE_HANDLER,
  alertRouter: FIXTURE_HANDLER,
  api: FIXTURE_HANDLER,
};

export interface Synthesised {
  app: App;
  stack: MantissaStack;
  template: Template;
}

/**
 * Builds the stack the way bin/app.ts does, with the cdk-nag pack registered, but without running
 * esbuild: NodejsFunction bundles only stacks listed in `aws:cdk:bundling-stacks`, and none are.
 * `Template.fromStack` synthesises the app, so a nag violation would make this throw.
 */
export function synthesise(props: Partial<MantissaStackProps> = {}): Synthesised {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MantissaStack(app, 'MantissaLog', { handlers: FIXTURE_HANDLERS, ...props });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, template: Template.fromStack(stack) };
}

/** Every resource of one type, as `[logicalId, resource]` pairs. */
export function resourcesOf(template: Template, type: string): [string, CfnResourceJson][] {
  return Object.entries(template.findResources(type)) as [string, CfnResourceJson][];
}

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped by nature.
export type CfnResourceJson = { Type: string; Properties: Record<string, any>; [key: string]: unknown };

/**
 * Synthesizes the CDK app for the tests without bundling (each test file does it once): bundling
 * is proven separately, by esbuild directly, in bundle-size.test.ts.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createOmnilabApp, type OmnilabAppOptions } from '../../infra/create-omnilab-app';
import type { StageName } from '../../infra/stages';

export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export function synthApp(options: OmnilabAppOptions = {}) {
  const { app, stacks } = createOmnilabApp({
    ...options,
    context: { ...SKIP_BUNDLING, ...options.context },
  });
  const templates = new Map<StageName, Template>();
  for (const [stage, stack] of stacks) templates.set(stage, Template.fromStack(stack));
  return { app, stacks, templates };
}

/** cdk-nag's findings over the whole app, as `rule at construct path` lines. */
export function nagFindings(scope: Parameters<AwsSolutionsChecks['validateScope']>[0]): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: false }).validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`),
  );
}

/**
 * The CDK app: one stack per stage, each checked by cdk-nag's AwsSolutions pack when it is
 * synthesized. infra/app.ts runs it for the cdk CLI; the tests build it the same way.
 */
import { App, type AppProps, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OmnilabStack, type OmnilabStackProps } from './constructs/omnilab-stack';
import { STAGES, type StageName } from './stages';

export interface OmnilabAppOptions extends AppProps {
  stages?: readonly StageName[];
  env?: Environment;
  /** Anything else a test substitutes in every stack (routes, schedules, console folder…). */
  stackProps?: Partial<OmnilabStackProps>;
  /** Register cdk-nag as a validation plugin (synth fails on a finding); tests that list findings turn it off. */
  nagChecks?: boolean;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function stackName(stage: StageName): string {
  return `omnilab-${stage}`;
}

export function createOmnilabApp(options: OmnilabAppOptions = {}): {
  app: App;
  stacks: Map<StageName, OmnilabStack>;
} {
  const { stages = ['dev', 'prod'], env, stackProps, nagChecks = true, ...appProps } = options;
  const app = new App(appProps);
  // `cdk deploy -c alertEmails=ops@bank.example -c channels=mobile,web,branch`
  const alertEmails = list(app.node.tryGetContext('alertEmails'));
  const channels = list(app.node.tryGetContext('channels'));
  // `-c consoleOrigins=https://flags.bank.example`: the console on the bank's own domain.
  const consoleOrigins = list(app.node.tryGetContext('consoleOrigins'));
  const stacks = new Map<StageName, OmnilabStack>();
  for (const stage of stages) {
    stacks.set(
      stage,
      new OmnilabStack(app, stackName(stage), {
        stackName: stackName(stage),
        description: `omnilab ${stage}: feature flags and A/B experiments (infra/)`,
        env,
        stage: STAGES[stage],
        alertEmails,
        channels,
        consoleOrigins,
        terminationProtection: STAGES[stage].retain,
        ...stackProps,
      }),
    );
  }
  // cdk-nag 3 runs as a policy-validation plugin: `cdk synth` fails on any unacknowledged finding.
  if (nagChecks) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stacks };
}

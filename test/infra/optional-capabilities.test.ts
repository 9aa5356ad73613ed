/**
 * What the lists make appear once they have entries: scheduled jobs (the guardrail checks) and
 * stream consumers; and the console upload with a build and without one. Bundling is skipped, so an existing
 * handler stands in for the entries that are not written yet.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableName } from '../../functions/tables/tables';
import { createOmnilabApp } from '../../infra/create-omnilab-app';
import { FUNCTION_ACCESS } from '../../infra/function-access';
import { TOKEN_AUTHORIZER } from '../../infra/lambda-functions';
import { stagePrefix } from '../../infra/stages';
import { nagFindings, SKIP_BUNDLING, synthApp } from './synth-app';
import { omnilabFunctions, rolePermissions } from './template-facts';

const STAND_IN = TOKEN_AUTHORIZER.entry;
const prefix = stagePrefix('dev');
const stackProps = {
  schedules: [{ function: 'guardrail-check', entry: STAND_IN, rateMinutes: 15, timeoutSeconds: 120 }],
  streamConsumers: [
    { function: 'config-changes', entry: STAND_IN, table: 'config' as const, batchSize: 100 },
  ],
  access: {
    ...FUNCTION_ACCESS,
    'guardrail-check': { config: ['Query'], events: ['Query'] } as const,
    'config-changes': {},
  },
  consoleDist: '',
};

let template: Template;
let app: ReturnType<typeof synthApp>['app'];

beforeAll(() => {
  // A console build of two files stands in for console/dist, which exists only once someone built it.
  stackProps.consoleDist = mkdtempSync(join(tmpdir(), 'omnilab-console-'));
  writeFileSync(join(stackProps.consoleDist, 'index.html'), '<!doctype html><title>omnilab</title>');
  writeFileSync(join(stackProps.consoleDist, 'config.json'), '{ "apiBaseUrl": "" }');
  const synth = synthApp({ stages: ['dev'], nagChecks: false, stackProps });
  app = synth.app;
  template = synth.templates.get('dev')!;
});

afterAll(() => rmSync(stackProps.consoleDist, { recursive: true, force: true }));

describe('with a scheduled job and a stream consumer', () => {
  it('runs the job on its rate, retrying twice, with its own function and policy', () => {
    const fn = omnilabFunctions(template).get('guardrail-check')!;
    expect(fn.props).toMatchObject({ Timeout: 120, Runtime: 'nodejs22.x' });
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: `${prefix}guardrail-check`,
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fn.logicalId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
        }),
      ],
    });
    expect(rolePermissions(template, fn.logicalId)).toEqual(
      [
        `dynamodb:Query on table ${tableName(prefix, 'config')}`,
        `dynamodb:Query on table ${tableName(prefix, 'events')}`,
        `logs:CreateLogStream on log group /aws/lambda/${prefix}guardrail-check`,
        `logs:PutLogEvents on log group /aws/lambda/${prefix}guardrail-check`,
        // Alerts go to the encrypted topic: publish on it, with its key.
        'kms:Decrypt on MonitoringAlertsKeyF377BA13.Arn',
        'kms:GenerateDataKey* on MonitoringAlertsKeyF377BA13.Arn',
        'sns:Publish on {"Ref":"MonitoringAlertsA1241EEA"}',
      ].sort(),
    );
  });

  it('feeds the consumer from the table stream, bisecting failures into an encrypted queue', () => {
    const fn = omnilabFunctions(template).get('config-changes')!;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fn.logicalId },
      BatchSize: 100,
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 5,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${prefix}config-changes-failures`,
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${prefix}config-changes-stream-failures`,
      MetricName: 'ApproximateNumberOfMessagesVisible',
    });
    const stream = `stream of table ${tableName(prefix, 'config')}`;
    expect(rolePermissions(template, fn.logicalId).filter((p) => p.startsWith('dynamodb:'))).toEqual([
      `dynamodb:DescribeStream on ${stream}`,
      `dynamodb:GetRecords on ${stream}`,
      `dynamodb:GetShardIterator on ${stream}`,
      // No resource-level permission exists for it; acknowledged in the construct.
      'dynamodb:ListStreams on *',
    ]);
  });

  it('still has no unacknowledged cdk-nag finding', () => {
    expect(nagFindings(app)).toEqual([]);
  });

  it('uploads the console build with a config.json naming the API, and invalidates the distribution', () => {
    const api = Object.keys(template.findResources('AWS::ApiGatewayV2::Api'))[0];
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DistributionPaths: ['/*'],
      SourceMarkers: [{}, Match.objectLike({ '<<marker:0xbaba:0>>': { Ref: api } })],
    });
  });

  it('refuses a stream consumer on a table without a stream', () => {
    expect(() =>
      createOmnilabApp({
        stages: ['dev'],
        context: SKIP_BUNDLING,
        nagChecks: false,
        stackProps: {
          ...stackProps,
          streamConsumers: [{ function: 'config-changes', entry: STAND_IN, table: 'tokens', batchSize: 10 }],
        },
      }),
    ).toThrow(/reads table tokens, which has no stream/);
  });
});

describe('without a console build', () => {
  it('still creates the bucket and the distribution, and uploads nothing', () => {
    const { stacks } = createOmnilabApp({
      stages: ['dev'],
      context: SKIP_BUNDLING,
      nagChecks: false,
      stackProps: { consoleDist: '/nonexistent/console/dist' },
    });
    const hosting = stacks.get('dev')!.console;
    expect(hosting.deployment).toBeUndefined();
    expect(hosting.distribution).toBeDefined();
    expect(hosting.bucket).toBeDefined();
  });
});

describe('cdk-nag in the app', () => {
  it('fails synthesis on a finding nobody acknowledged', () => {
    const { stacks } = createOmnilabApp({
      stages: ['dev'],
      context: SKIP_BUNDLING,
      stackProps: { consoleDist: '/nonexistent/console/dist' },
    });
    const stack = stacks.get('dev')!;
    new Queue(stack, 'UnencryptedQueue');
    expect(() => Template.fromStack(stack)).toThrow(/AwsSolutions-SQS4/);
  });
});

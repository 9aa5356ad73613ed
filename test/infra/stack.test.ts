/**
 * The synthesized stacks, asserted from the declarative sources: every table of functions/tables/tables.ts,
 * every route of functions/routes/, every function's policy from infra/function-access.ts, the
 * alarms, the console hosting, and no unacknowledged cdk-nag finding.
 */
import { existsSync } from 'node:fs';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../functions/routes/routes';
import { RESTAGE_OWNERS } from '../../functions/services/route-owners';
import { TABLES, type TableId, tableName } from '../../functions/tables/tables';
import { AUTHORIZER_CACHE, PREFLIGHT_ROUTE } from '../../infra/constructs/flag-api';
import { CONSOLE_DIST, type OmnilabStack } from '../../infra/constructs/omnilab-stack';
import {
  AUDIT_ANCHOR_ACCESS,
  FUNCTION_ACCESS,
  RAW_EVENT_LAKE_ACCESS,
  readsTokenPepper,
} from '../../infra/function-access';
import { lambdaFunctions } from '../../infra/lambda-functions';
import { SCHEDULES } from '../../infra/schedules';
import { STAGES, type StageName, stagePrefix } from '../../infra/stages';
import { STREAM_CONSUMERS } from '../../infra/stream-consumers';
import { nagFindings, synthApp } from './synth-app';
import { omnilabFunctions, rolePermissions } from './template-facts';

let templates: Map<StageName, Template>;
let stacks: Map<StageName, OmnilabStack>;
let app: ReturnType<typeof synthApp>['app'];

beforeAll(() => {
  // With cdk-nag registered as in infra/app.ts: synthesis itself throws on an unacknowledged finding.
  ({ app, stacks, templates } = synthApp());
});

const STAGE_NAMES: StageName[] = ['dev', 'prod'];
const dev = () => templates.get('dev')!;

describe('cdk-nag (AwsSolutions)', () => {
  it('finds nothing unacknowledged in either stage', () => {
    expect(nagFindings(app)).toEqual([]);
  });

  it('gives every acknowledgment a reason', () => {
    const acknowledged = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.entries(m.data as Record<string, { reason?: string } | string>));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, ack] of acknowledged) {
      const reason = typeof ack === 'string' ? ack : ack.reason;
      expect(reason?.length ?? 0, id).toBeGreaterThan(40);
    }
  });
});

describe.each(STAGE_NAMES)('the %s stack', (stage) => {
  const template = () => templates.get(stage)!;
  const prefix = stagePrefix(stage);
  const retain = STAGES[stage].retain;

  it('has one table per definition in functions/tables/tables.ts, on demand, recoverable and encrypted', () => {
    template().resourceCountIs('AWS::DynamoDB::Table', TABLES.length);
    for (const t of TABLES) {
      template().hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({
          TableName: tableName(prefix, t.id),
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: t.partitionKey.name, KeyType: 'HASH' },
            ...(t.sortKey ? [{ AttributeName: t.sortKey.name, KeyType: 'RANGE' }] : []),
          ],
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          TimeToLiveSpecification: t.ttlAttribute
            ? { AttributeName: t.ttlAttribute, Enabled: true }
            : Match.absent(),
          StreamSpecification: t.stream ? { StreamViewType: t.stream } : Match.absent(),
          DeletionProtectionEnabled: retain,
        }),
        DeletionPolicy: retain ? 'Retain' : 'Delete',
      });
    }
  });

  it('builds one function per distinct route function, schedule and the authorizer', () => {
    const functions = omnilabFunctions(template());
    expect([...functions.keys()].sort()).toEqual(
      lambdaFunctions()
        .map((f) => f.name)
        .sort(),
    );
    for (const [name, { props }] of functions) {
      expect(props, name).toMatchObject({
        FunctionName: `${prefix}${name}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', LogGroup: expect.anything() },
        Environment: {
          Variables: { OMNILAB_TABLE_PREFIX: prefix, NODE_OPTIONS: '--enable-source-maps' },
        },
      });
    }
  });

  it('has exactly the routes of functions/routes/, each on its function, public ones without authorizer', () => {
    const routes = template().findResources('AWS::ApiGatewayV2::Route');
    const integrations = template().findResources('AWS::ApiGatewayV2::Integration');
    const functions = omnilabFunctions(template());
    // A route's target is `integrations/<Ref>`; the integration's URI is its function's ARN.
    const functionOfIntegration = (target: unknown): string => {
      const integrationId = (target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1]
        .Ref;
      const uri = integrations[integrationId].Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] };
      return [...functions].find(([, f]) => f.logicalId === uri['Fn::GetAtt'][0])?.[0] ?? '?';
    };
    const actual = Object.values(routes)
      .map((r) => {
        const p = r.Properties;
        return `${p.RouteKey} -> ${functionOfIntegration(p.Target)} (${p.AuthorizationType})`;
      })
      .sort();
    const expected = [
      ...ROUTES.map((r) => `${routeKey(r)} -> ${r.function} (${r.access === 'public' ? 'NONE' : 'CUSTOM'})`),
      // Browsers' CORS preflights carry no token: the functions answer them (functions/http/response-headers.ts).
      `${PREFLIGHT_ROUTE.method} ${PREFLIGHT_ROUTE.path} -> openapi (NONE)`,
    ].sort();
    expect(actual).toEqual(expected);
  });

  it('puts a cached, simple-response token authorizer on the Authorization header', () => {
    template().resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template().hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE.toSeconds(),
      AuthorizerUri: Match.anyValue(),
    });
  });

  it('throttles and access-logs the API stage', () => {
    template().hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: STAGES[stage].throttle.rateLimit,
        ThrottlingBurstLimit: STAGES[stage].throttle.burstLimit,
      },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('routeKey') },
    });
  });

  it('gives every function exactly the table actions of infra/function-access.ts and its own logs', () => {
    const tables = new Map(TABLES.map((t) => [t.id, t]));
    for (const [name, { logicalId }] of omnilabFunctions(template())) {
      const logs = `log group /aws/lambda/${prefix}${name}`;
      const expected = [`logs:CreateLogStream on ${logs}`, `logs:PutLogEvents on ${logs}`];
      // Scheduled jobs also publish alerts: on the alerts topic and its key, nothing else.
      if (SCHEDULES.some((j) => j.function === name)) {
        expected.push(
          'kms:Decrypt on MonitoringAlertsKeyF377BA13.Arn',
          'kms:GenerateDataKey* on MonitoringAlertsKeyF377BA13.Arn',
          'sns:Publish on {"Ref":"MonitoringAlertsA1241EEA"}',
        );
      }
      for (const [id, actions] of Object.entries(FUNCTION_ACCESS[name])) {
        const table = tables.get(id as TableId)!;
        for (const a of actions ?? []) {
          expected.push(`dynamodb:${a} on table ${tableName(prefix, table.id)}`);
          if (a === 'Query' || a === 'Scan') {
            for (const i of table.globalIndexes)
              expected.push(`dynamodb:${a} on table ${tableName(prefix, table.id)}/index/${i.name}`);
          }
        }
      }
      // Functions that check tokens read the token pepper; the anchor bucket's reader lists it and
      // its writer (the audit stream consumer) puts heads, each on that resource only.
      const stack = stacks.get(stage)!;
      const idOf = (c: { node: { defaultChild?: unknown } }) =>
        stack.getLogicalId(c.node.defaultChild as CfnElement);
      if (readsTokenPepper(FUNCTION_ACCESS[name]))
        expected.push(`secretsmanager:GetSecretValue on {"Ref":"${idOf(stack.tokenPepper)}"}`);
      const bucket = idOf(stack.auditAnchor.bucket);
      if (AUDIT_ANCHOR_ACCESS[name] === 'read') expected.push(`s3:ListBucket on ${bucket}.Arn`);
      if (AUDIT_ANCHOR_ACCESS[name] === 'write') expected.push(`s3:PutObject on ${bucket}.Arn/heads/*`);
      const consumer = STREAM_CONSUMERS.find((c) => c.function === name);
      if (consumer) {
        const stream = `stream of table ${tableName(prefix, consumer.table)}`;
        const queue = `${idOf(stack.pipeline.failures.get(name)!)}.Arn`;
        expected.push(
          `dynamodb:DescribeStream on ${stream}`,
          `dynamodb:GetRecords on ${stream}`,
          `dynamodb:GetShardIterator on ${stream}`,
          'dynamodb:ListStreams on *',
          `sqs:GetQueueAttributes on ${queue}`,
          `sqs:GetQueueUrl on ${queue}`,
          `sqs:SendMessage on ${queue}`,
        );
      }
      // The raw event lake: the events function puts on its stream; its readers query with Athena.
      const lake = RAW_EVENT_LAKE_ACCESS[name];
      const lakeBucket = `${idOf(stack.rawEvents.bucket)}.Arn`;
      const arn = (service: string, rest: string) =>
        `arn:{"Ref":"AWS::Partition"}:${service}:{"Ref":"AWS::Region"}:{"Ref":"AWS::AccountId"}:${rest}`;
      const db = stack.rawEvents.databaseName;
      if (lake === 'write')
        expected.push(`firehose:PutRecordBatch on ${stack.getLogicalId(stack.rawEvents.stream)}.Arn`);
      if (lake === 'query')
        expected.push(
          ...['GetQueryExecution', 'GetQueryResults', 'StartQueryExecution'].map(
            (a) => `athena:${a} on ${arn('athena', `workgroup/${prefix}raw-events`)}`,
          ),
          ...['catalog', `database/${db}`].map((r) => `glue:GetDatabase on ${arn('glue', r)}`),
          ...['catalog', `database/${db}`, `table/${db}/events`, `table/${db}/rejected`].map(
            (r) => `glue:GetTable on ${arn('glue', r)}`,
          ),
          `s3:GetBucketLocation on ${lakeBucket}`,
          `s3:ListBucket on ${lakeBucket}`,
          `s3:GetObject on ${lakeBucket}/events/*`,
          `s3:GetObject on ${lakeBucket}/rejected/*`,
          ...['AbortMultipartUpload', 'GetObject', 'PutObject'].map(
            (a) => `s3:${a} on ${lakeBucket}/athena-results/*`,
          ),
        );
      // admin-governance restages an edited change request in the function owning its route
      // (functions/services/route-owners.ts): it may invoke those six functions and nothing else.
      if (name === 'admin-governance')
        for (const owner of RESTAGE_OWNERS)
          expected.push(`lambda:InvokeFunction on ${omnilabFunctions(template()).get(owner)?.logicalId}.Arn`);
      expect(rolePermissions(template(), logicalId), name).toEqual(expected.sort());
    }
  });

  it('runs each scheduled job of infra/schedules.ts on its rate', () => {
    template().resourceCountIs('AWS::Events::Rule', SCHEDULES.length);
    for (const job of SCHEDULES) {
      template().hasResourceProperties('AWS::Events::Rule', {
        Name: `${prefix}${job.function}`,
        ScheduleExpression: `rate(${job.rateMinutes} minute${job.rateMinutes === 1 ? '' : 's'})`,
      });
    }
  });

  it('alarms on every function, the API and every table, into the encrypted alerts topic', () => {
    const alarms = Object.values(template().findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as { AlarmName: string; AlarmActions: unknown[]; OKActions: unknown[] },
    );
    const names = alarms.map((a) => a.AlarmName.replace(prefix, '')).sort();
    const expected = [
      ...lambdaFunctions().flatMap((f) => [
        `${f.name}-errors`,
        `${f.name}-throttles`,
        `${f.name}-p99-duration`,
      ]),
      ...STREAM_CONSUMERS.map((c) => `${c.function}-stream-failures`),
      'api-5xx',
      'api-p99-latency',
      ...TABLES.map((t) => `table-${t.id}-throttles`),
    ].sort();
    expect(names).toEqual(expected);
    const topic = Object.keys(template().findResources('AWS::SNS::Topic'))[0];
    for (const a of alarms) {
      expect(a.AlarmActions, a.AlarmName).toEqual([{ Ref: topic }]);
      expect(a.OKActions, a.AlarmName).toEqual([{ Ref: topic }]);
    }
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${prefix}api-p99-latency`,
      ExtendedStatistic: 'p99',
      Threshold: STAGES[stage].p99LatencyAlarm.toMilliseconds(),
      EvaluationPeriods: 3,
    });
    template().hasResourceProperties('AWS::SNS::Topic', {
      TopicName: `${prefix}alerts`,
      KmsMasterKeyId: Match.anyValue(),
    });
    template().hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template().hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: `${prefix}overview` });
  });

  it('anchors the audit chain in a private, encrypted bucket under Object Lock in compliance mode', () => {
    template().hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: retain ? 7 * 365 : 1 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: Match.anyValue(),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.anyValue(),
    });
    template().hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `${prefix}token-pepper`,
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it('hosts the console privately behind CloudFront, HTTPS only, with security headers', () => {
    template().hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          ResponseHeadersPolicyId: Match.anyValue(),
        }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
        Logging: Match.anyValue(),
      }),
    });
    template().resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template().hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31_536_000 }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentSecurityPolicy: Match.anyValue(),
        }),
      }),
    });
    template().hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.anyValue(),
    });
    // The build is uploaded only when console/dist exists at synth time.
    template().resourceCountIs('Custom::CDKBucketDeployment', existsSync(CONSOLE_DIST) ? 1 : 0);
  });

  it('keeps raw events in a private, encrypted lake: Firehose to Parquet by environment and day, Glue, Athena', () => {
    const { retention } = STAGES[stage].rawEvents;
    const lake = stacks.get(stage)!.rawEvents;
    template().hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.anyValue(),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'raw-events/' }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          // In order: each prefix's default, then its shorter rule per listed environment.
          ...['events', 'rejected'].flatMap((p) => [
            Match.objectLike({ Prefix: `${p}/`, ExpirationInDays: retention.defaultDays, Status: 'Enabled' }),
            ...Object.entries(retention.environments).map(([env, days]) =>
              Match.objectLike({ Prefix: `${p}/environment=${env}/`, ExpirationInDays: days }),
            ),
          ]),
          Match.objectLike({ Prefix: 'athena-results/', ExpirationInDays: 7 }),
        ]),
      },
    });
    template().hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamName: `${prefix}raw-events`,
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix:
          '!{partitionKeyFromQuery:kind}/environment=!{partitionKeyFromQuery:environment}/day=!{partitionKeyFromQuery:day}/',
        DynamicPartitioningConfiguration: Match.objectLike({ Enabled: true }),
        DataFormatConversionConfiguration: Match.objectLike({
          Enabled: true,
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
          SchemaConfiguration: Match.objectLike({ DatabaseName: lake.databaseName, TableName: 'events' }),
        }),
      }),
    });
    for (const table of ['events', 'rejected'])
      template().hasResourceProperties('AWS::Glue::Table', {
        DatabaseName: lake.databaseName,
        TableInput: Match.objectLike({
          Name: table,
          PartitionKeys: [
            { Name: 'environment', Type: 'string' },
            { Name: 'day', Type: 'string' },
          ],
          Parameters: Match.objectLike({ 'projection.enabled': 'true', 'projection.day.type': 'date' }),
        }),
      });
    template().hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: `${prefix}raw-events`,
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: STAGES[stage].rawEvents.athenaScanLimitBytes,
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
      }),
    });
    // Only the events function may put on the stream.
    const puts = [...omnilabFunctions(template())].filter(([, { logicalId }]) =>
      rolePermissions(template(), logicalId).some((l) => l.startsWith('firehose:')),
    );
    expect(puts.map(([name]) => name)).toEqual(['events']);
  });

  it('outputs what an operator needs after deploying', () => {
    for (const name of ['ApiUrl', 'ConsoleUrl', 'TablePrefix', 'TokensTable', 'AlertsTopic', 'Dashboard']) {
      template().hasOutput(name, Match.anyValue());
    }
    template().hasOutput('TablePrefix', { Value: prefix });
  });
});

describe('the stages differ only where their props say', () => {
  it('keeps tables and logs in prod, and lets dev be deleted', () => {
    expect(stacks.get('prod')!.terminationProtection).toBe(true);
    expect(stacks.get('dev')!.terminationProtection).toBe(false);
    dev().hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/lambda/${stagePrefix('dev')}ofrep`,
      RetentionInDays: STAGES.dev.logRetention,
    });
    templates.get('prod')!.hasResource('AWS::Logs::LogGroup', {
      Properties: Match.objectLike({ RetentionInDays: STAGES.prod.logRetention }),
      DeletionPolicy: 'Retain',
    });
  });
});

/** One stage of omnilab: the capability constructs, composed, with the outputs an operator needs. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ROUTES, type Route } from '../../functions/routes/routes';
import { RESTAGE_OWNERS } from '../../functions/services/route-owners';
import { TABLES, type TableDefinition } from '../../functions/tables/tables';
import {
  AUDIT_ANCHOR_ACCESS,
  FUNCTION_ACCESS,
  RAW_EVENT_LAKE_ACCESS,
  readsTokenPepper,
  type TableAccess,
} from '../function-access';
import { REPO_ROOT } from '../repo-root';
import { SCHEDULES, type ScheduledJob } from '../schedules';
import { type StageConfig, stagePrefix } from '../stages';
import { STREAM_CONSUMERS, type StreamConsumer } from '../stream-consumers';
import { AuditAnchorBucket } from './audit-anchor-bucket';
import { ConsoleHosting } from './console-hosting';
import { EventPipeline } from './event-pipeline';
import { FlagApi } from './flag-api';
import { Monitoring } from './monitoring';
import { functionFactory, type OmnilabFunction } from './omnilab-function';
import { OmnilabTables } from './omnilab-tables';
import { RawEventLake } from './raw-event-lake';
import { ScheduledJobs } from './scheduled-jobs';

/** Where the web console's build lands; uploaded only if it exists when the app is synthesized. */
export const CONSOLE_DIST = join(REPO_ROOT, 'console', 'dist');

export interface OmnilabStackProps extends StackProps {
  stage: StageConfig;
  /** Channels the deployment accepts; the handlers' default list when empty. */
  channels?: readonly string[];
  alertEmails?: readonly string[];
  /** The declarative sources; the defaults are the repository's lists, tests substitute their own. */
  routes?: readonly Route[];
  tables?: readonly TableDefinition[];
  schedules?: readonly ScheduledJob[];
  streamConsumers?: readonly StreamConsumer[];
  access?: Readonly<Record<string, TableAccess>>;
  consoleDist?: string;
  /**
   * Browser origins allowed to call admin routes (CORS); default: the console's CloudFront URL.
   * A bank serving the console on its own domain lists that origin (`-c consoleOrigins=https://…`).
   */
  consoleOrigins?: readonly string[];
}

/** HSTS of API answers on AWS, where the API is HTTPS only: a year, as the console's CloudFront sends. */
export const API_HSTS_MAX_AGE = Duration.days(365);

export class OmnilabStack extends Stack {
  readonly tables: OmnilabTables;
  readonly api: FlagApi;
  readonly schedules: ScheduledJobs;
  readonly pipeline: EventPipeline;
  readonly console: ConsoleHosting;
  readonly monitoring: Monitoring;
  readonly functions: OmnilabFunction[] = [];
  /** The secret tokens are keyed with (functions/services/tokens.ts). */
  readonly tokenPepper: Secret;
  readonly auditAnchor: AuditAnchorBucket;
  /** Every raw event with its outcome: Firehose → S3 Parquet, Glue tables, an Athena workgroup. */
  readonly rawEvents: RawEventLake;

  constructor(scope: Construct, id: string, props: OmnilabStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const prefix = stagePrefix(stage.name);
    this.tables = new OmnilabTables(this, 'Tables', {
      prefix,
      retain: stage.retain,
      definitions: props.tables ?? TABLES,
    });
    const environment: Record<string, string> = {
      OMNILAB_TABLE_PREFIX: prefix,
      ...(props.channels && props.channels.length > 0 ? { OMNILAB_CHANNELS: props.channels.join(',') } : {}),
    };
    const createFunction = functionFactory({
      prefix,
      stage,
      tables: this.tables,
      access: props.access ?? FUNCTION_ACCESS,
      environment,
      built: this.functions,
    });
    this.api = new FlagApi(this, 'FlagApi', {
      routes: props.routes ?? ROUTES,
      prefix,
      stage,
      createFunction,
    });
    this.pipeline = new EventPipeline(this, 'EventPipeline', {
      consumers: props.streamConsumers ?? STREAM_CONSUMERS,
      prefix,
      tables: this.tables,
      createFunction,
    });
    this.schedules = new ScheduledJobs(this, 'Schedules', {
      jobs: props.schedules ?? SCHEDULES,
      prefix,
      createFunction,
    });
    const dist = props.consoleDist ?? CONSOLE_DIST;
    this.console = new ConsoleHosting(this, 'Console', {
      prefix,
      retain: stage.retain,
      distPath: existsSync(dist) ? dist : undefined,
      apiUrl: this.api.url,
      logRetentionDays: stage.logRetention,
    });
    // The HTTP functions answer CORS themselves: admin routes for the console's origins only.
    const consoleOrigins =
      props.consoleOrigins && props.consoleOrigins.length > 0
        ? props.consoleOrigins.join(',')
        : `https://${this.console.distribution.distributionDomainName}`;
    this.grantRestage(prefix);
    for (const fn of this.api.functions.values()) {
      fn.fn.addEnvironment('OMNILAB_CONSOLE_ORIGINS', consoleOrigins);
      fn.fn.addEnvironment('OMNILAB_HSTS_MAX_AGE_SECONDS', String(API_HSTS_MAX_AGE.toSeconds()));
    }
    this.monitoring = new Monitoring(this, 'Monitoring', {
      prefix,
      stage,
      functions: this.functions,
      api: this.api.api,
      tables: new Map(this.tables.definitions.map((t) => [t.id, this.tables.table(t.id)])),
      failureQueues: this.pipeline.failures,
      alertEmails: props.alertEmails ?? [],
    });
    // Tokens are keyed with an HMAC under this secret: a leaked tokens table confirms no token.
    this.tokenPepper = new Secret(this, 'TokenPepper', {
      secretName: `${prefix}token-pepper`,
      description: `omnilab ${stage.name}: the pepper API tokens are keyed with`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: stage.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.tokenPepper).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The pepper keys every stored token: rotating it would revoke every token at once. It is never sent anywhere and only the functions that check tokens may read it.',
    });
    this.auditAnchor = new AuditAnchorBucket(this, 'AuditAnchor', {
      retentionDays: stage.retain ? 7 * 365 : 1,
      logBucket: this.console.logBucket,
    });
    this.rawEvents = new RawEventLake(this, 'RawEvents', {
      prefix,
      retain: stage.retain,
      retention: stage.rawEvents.retention,
      athenaScanLimitBytes: stage.rawEvents.athenaScanLimitBytes,
      logBucket: this.console.logBucket,
      logRetention: stage.logRetention,
    });
    const access = props.access ?? FUNCTION_ACCESS;
    for (const f of this.functions) {
      const lake = RAW_EVENT_LAKE_ACCESS[f.spec.name];
      if (lake) {
        // References (each resolves to the name), so a function is created after what it names.
        f.fn.addEnvironment('OMNILAB_RAW_EVENTS_STREAM', this.rawEvents.stream.ref);
        f.fn.addEnvironment('OMNILAB_RAW_EVENTS_BUCKET', this.rawEvents.bucket.bucketName);
        f.fn.addEnvironment('OMNILAB_RAW_EVENTS_DATABASE', this.rawEvents.database.ref);
        f.fn.addEnvironment('OMNILAB_ATHENA_WORKGROUP', this.rawEvents.workgroup.ref);
        if (lake === 'write') this.rawEvents.grantWrite(f.role);
        else this.rawEvents.grantQuery(f.role);
      }
      if (readsTokenPepper(access[f.spec.name])) {
        f.fn.addEnvironment('OMNILAB_TOKEN_PEPPER_SECRET_ARN', this.tokenPepper.secretArn);
        f.role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: ['secretsmanager:GetSecretValue'],
            resources: [this.tokenPepper.secretArn],
          }),
        );
      }
      const anchor = AUDIT_ANCHOR_ACCESS[f.spec.name];
      if (!anchor) continue;
      f.fn.addEnvironment('OMNILAB_AUDIT_ANCHOR_BUCKET', this.auditAnchor.bucket.bucketName);
      f.role.addToPrincipalPolicy(
        anchor === 'read'
          ? new PolicyStatement({
              actions: ['s3:ListBucket'],
              resources: [this.auditAnchor.bucket.bucketArn],
            })
          : new PolicyStatement({
              actions: ['s3:PutObject'],
              resources: [this.auditAnchor.bucket.arnForObjects('heads/*')],
            }),
      );
      if (anchor === 'write') {
        Validations.of(f.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.auditAnchor.bucket.node.defaultChild as CfnBucket)}.Arn>/heads/*]`,
          reason:
            'Each chain head is a new object under heads/ (its key names its sequence), so the put right covers that prefix; Object Lock keeps every object written from deletion or overwrite.',
        });
      }
    }

    // Scheduled jobs (the guardrail check) notify through the alerts topic: publish on it only.
    for (const job of this.schedules.functions.values()) {
      job.fn.addEnvironment('OMNILAB_ALERT_TOPIC_ARN', this.monitoring.topic.topicArn);
      this.monitoring.topic.grantPublish(job.fn);
      Validations.of(job.fn.role!).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          "Publishing to the KMS-encrypted alerts topic needs kms:GenerateDataKey* (the grant CDK makes for SNS); it is on the topic's own key only.",
      });
    }

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description:
        'Base URL of the API: SDKs use <ApiUrl>api/ (Unleash), <ApiUrl>api/frontend, <ApiUrl> (OFREP)',
    });
    if (this.api.streamingUrl) {
      new CfnOutput(this, 'StreamingUrl', {
        value: this.api.streamingUrl.url,
        description:
          'Server-Sent Events (Lambda response streaming): <StreamingUrl>api/client/streaming, <StreamingUrl>ofrep/v1/sse',
      });
    }
    new CfnOutput(this, 'ConsoleUrl', {
      value: `https://${this.console.distribution.distributionDomainName}`,
      description: 'The web console',
    });
    new CfnOutput(this, 'ConsoleBucket', { value: this.console.bucket.bucketName });
    new CfnOutput(this, 'TablePrefix', {
      value: prefix,
      description: 'Prefix of every table name (OMNILAB_TABLE_PREFIX)',
    });
    new CfnOutput(this, 'TokensTable', { value: this.tables.table('tokens').tableName });
    new CfnOutput(this, 'AlertsTopic', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'Dashboard', { value: this.monitoring.dashboard.dashboardName });
    new CfnOutput(this, 'AuditAnchorBucket', { value: this.auditAnchor.bucket.bucketName });
    new CfnOutput(this, 'RawEventsBucket', { value: this.rawEvents.bucket.bucketName });
    new CfnOutput(this, 'RawEventsDatabase', {
      value: this.rawEvents.databaseName,
      description:
        'Glue database of the raw events: tables events and rejected, Athena workgroup <prefix>raw-events',
    });
  }

  /**
   * Editing a change request restages its route in the function that owns it
   * (functions/services/restage-protocol.ts): admin-governance gets the owners' names and may invoke
   * exactly those functions, unqualified (no versions or aliases: nothing else is called).
   */
  private grantRestage(prefix: string): void {
    const governance = this.api.functions.get('admin-governance');
    if (!governance) return;
    const owners = RESTAGE_OWNERS.flatMap((name) => {
      const owner = this.api.functions.get(name);
      return owner ? [{ name, owner }] : [];
    });
    if (owners.length === 0) return;
    // The names CDK gives them (omnilab-function.ts), as plain strings: no reference, no cycle.
    governance.fn.addEnvironment(
      'OMNILAB_RESTAGE_FUNCTIONS',
      owners.map(({ name }) => `${name}=${prefix}${name}`).join(','),
    );
    governance.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: owners.map(({ owner }) => owner.fn.functionArn),
      }),
    );
  }
}

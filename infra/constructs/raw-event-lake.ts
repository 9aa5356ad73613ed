/**
 * The raw event store on AWS: the events function puts each received event (one JSON line, with its
 * outcome) on a Kinesis Data Firehose delivery stream, which converts it to Parquet against the Glue
 * table's schema and writes it, partitioned dynamically, under `events/` (accepted, duplicate,
 * stored) or `rejected/`, then `environment=<env>/day=<received day>/`, in a private, encrypted,
 * TLS-only bucket whose lifecycle rules keep each environment's records for its configured days.
 * Two Glue tables (`events`, `rejected`) read those prefixes with partition projection, so no
 * crawler and no partition to add; Athena queries them in a workgroup that encrypts its results,
 * expires them and caps the bytes one query may scan. See docs/deploy.md, "Raw events".
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import { LogGroup, LogStream, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  type LifecycleRule,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface RawEventRetention {
  /** Days every environment's records are kept, unless listed below. */
  defaultDays: number;
  /** Shorter retention for named environments (S3 applies the shortest rule that matches). */
  environments: Readonly<Record<string, number>>;
}

export interface RawEventLakeProps {
  prefix: string;
  retain: boolean;
  retention: RawEventRetention;
  /** Bytes one Athena query may scan before Athena cancels it. */
  athenaScanLimitBytes: number;
  logBucket: IBucket;
  logRetention: RetentionDays;
}

/** The Parquet columns, in the Glue table's names (Glue lower-cases them; Athena is case-blind). */
export const RAW_EVENT_COLUMNS: readonly { name: string; type: string }[] = [
  { name: 'id', type: 'string' },
  { name: 'type', type: 'string' },
  { name: 'timestamp', type: 'string' },
  { name: 'receivedat', type: 'string' },
  { name: 'channel', type: 'string' },
  { name: 'userid', type: 'string' },
  { name: 'anonymousid', type: 'string' },
  { name: 'appname', type: 'string' },
  { name: 'experiment', type: 'string' },
  { name: 'variant', type: 'string' },
  { name: 'metric', type: 'string' },
  { name: 'value', type: 'double' },
  { name: 'properties', type: 'map<string,string>' },
  { name: 'outcome', type: 'string' },
  { name: 'reason', type: 'string' },
];

/** Firehose's partition keys, read from each record with JQ. */
export const PARTITION_QUERY =
  '{kind: (if .outcome == "rejected" then "rejected" else "events" end), environment: .environment, day: .receivedAt[0:10]}';

export const RAW_PREFIXES = ['events', 'rejected'] as const;

/** S3 lifecycle rules: the default per prefix, a shorter one per listed environment. */
export function retentionRules(retention: RawEventRetention): LifecycleRule[] {
  const rules: LifecycleRule[] = [];
  for (const prefix of RAW_PREFIXES) {
    rules.push({
      id: `${prefix}-default`,
      prefix: `${prefix}/`,
      expiration: Duration.days(retention.defaultDays),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    });
    for (const [environment, days] of Object.entries(retention.environments)) {
      if (days > retention.defaultDays)
        throw new Error(
          `raw event retention of ${environment} (${days} days) is longer than the default (${retention.defaultDays}): S3 applies the shortest matching rule, so raise the default`,
        );
      rules.push({
        id: `${prefix}-${environment}`,
        prefix: `${prefix}/environment=${encodeURIComponent(environment)}/`,
        expiration: Duration.days(days),
      });
    }
  }
  rules.push(
    { id: 'delivery-errors', prefix: 'errors/', expiration: Duration.days(30) },
    { id: 'athena-results', prefix: 'athena-results/', expiration: Duration.days(7) },
  );
  return rules;
}

export class RawEventLake extends Construct {
  readonly bucket: Bucket;
  readonly stream: CfnDeliveryStream;
  readonly database: CfnDatabase;
  readonly databaseName: string;
  readonly workgroup: CfnWorkGroup;
  readonly tables = new Map<(typeof RAW_PREFIXES)[number], CfnTable>();

  constructor(scope: Construct, id: string, props: RawEventLakeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 'raw-events/',
      lifecycleRules: retentionRules(props.retention),
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // Glue names: lower case, digits and underscores.
    this.databaseName = `${props.prefix.replace(/[^a-z0-9]/g, '_')}raw_events`;
    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'omnilab raw events (events/ and rejected/)' },
    });
    for (const prefix of RAW_PREFIXES) {
      const table = new CfnTable(this, `Table-${prefix}`, {
        catalogId: stack.account,
        databaseName: this.databaseName,
        tableInput: {
          name: prefix,
          tableType: 'EXTERNAL_TABLE',
          partitionKeys: [
            { name: 'environment', type: 'string' },
            { name: 'day', type: 'string' },
          ],
          parameters: {
            classification: 'parquet',
            'projection.enabled': 'true',
            'projection.environment.type': 'injected',
            'projection.day.type': 'date',
            'projection.day.format': 'yyyy-MM-dd',
            'projection.day.range': '2026-01-01,NOW',
            'projection.day.interval': '1',
            'projection.day.interval.unit': 'DAYS',
            'storage.location.template': `s3://${this.bucket.bucketName}/${prefix}/environment=\${environment}/day=\${day}/`,
          },
          storageDescriptor: {
            location: `s3://${this.bucket.bucketName}/${prefix}/`,
            columns: [...RAW_EVENT_COLUMNS],
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: {
              serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            },
          },
        },
      });
      table.addResourceDependency(this.database);
      this.tables.set(prefix, table);
    }

    const logGroup = new LogGroup(this, 'DeliveryLogs', {
      logGroupName: `/aws/kinesisfirehose/${props.prefix}raw-events`,
      retention: props.logRetention,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const logStream = new LogStream(this, 'DeliveryLogStream', { logGroup, logStreamName: 'S3Delivery' });
    const role = new Role(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': stack.account } },
      }),
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: [
          's3:AbortMultipartUpload',
          's3:GetBucketLocation',
          's3:GetObject',
          's3:ListBucket',
          's3:ListBucketMultipartUploads',
          's3:PutObject',
        ],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [this.catalogArn(), this.databaseArn(), this.tableArn('events')],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.bucketLogicalId()}.Arn>/*]`,
      reason:
        'Firehose writes objects whose keys it makes (partition, date, a unique suffix) anywhere under the lake bucket: events/, rejected/ and errors/.',
    });

    const stream = `${props.prefix}raw-events`;
    this.stream = new CfnDeliveryStream(this, 'Stream', {
      deliveryStreamName: stream,
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: role.roleArn,
        prefix:
          '!{partitionKeyFromQuery:kind}/environment=!{partitionKeyFromQuery:environment}/day=!{partitionKeyFromQuery:day}/',
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/',
        // Parquet conversion needs at least 64 MB; a quiet partition is flushed after 15 minutes.
        bufferingHints: { sizeInMBs: 128, intervalInSeconds: 900 },
        compressionFormat: 'UNCOMPRESSED',
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            // The events function packs up to 500 events per record as JSON lines (5 KB billing unit).
            {
              type: 'RecordDeAggregation',
              parameters: [{ parameterName: 'SubRecordType', parameterValue: 'JSON' }],
            },
            {
              type: 'MetadataExtraction',
              parameters: [
                { parameterName: 'MetadataExtractionQuery', parameterValue: PARTITION_QUERY },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
        dataFormatConversionConfiguration: {
          enabled: true,
          inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
          outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
          schemaConfiguration: {
            catalogId: stack.account,
            databaseName: this.databaseName,
            tableName: 'events',
            region: stack.region,
            roleArn: role.roleArn,
            versionId: 'LATEST',
          },
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
    });
    this.stream.node.addDependency(role);
    this.stream.addResourceDependency(this.tables.get('events')!);

    this.workgroup = new CfnWorkGroup(this, 'Workgroup', {
      name: `${props.prefix}raw-events`,
      description: 'omnilab: data quality and backfill over the raw events',
      state: 'ENABLED',
      recursiveDeleteOption: !props.retain,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.athenaScanLimitBytes,
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/athena-results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }

  get streamName(): string {
    return this.stream.deliveryStreamName!;
  }

  get streamArn(): string {
    return this.stream.attrArn;
  }

  get workgroupName(): string {
    return this.workgroup.name;
  }

  /** The bucket's logical id, as cdk-nag names its ARN in findings. */
  bucketLogicalId(): string {
    return Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
  }

  private catalogArn(): string {
    const s = Stack.of(this);
    return `arn:${s.partition}:glue:${s.region}:${s.account}:catalog`;
  }

  private databaseArn(): string {
    const s = Stack.of(this);
    return `arn:${s.partition}:glue:${s.region}:${s.account}:database/${this.databaseName}`;
  }

  private tableArn(table: string): string {
    const s = Stack.of(this);
    return `arn:${s.partition}:glue:${s.region}:${s.account}:table/${this.databaseName}/${table}`;
  }

  /** The events function: put records on the stream, nothing else. */
  grantWrite(grantee: IRole): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['firehose:PutRecordBatch'], resources: [this.streamArn] }),
    );
  }

  /** Readers (data quality, backfill): Athena in the workgroup, the tables, the lake's prefixes, results. */
  grantQuery(grantee: IRole): void {
    const s = Stack.of(this);
    const add = (actions: string[], resources: string[]) =>
      grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
    add(
      ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution'],
      [`arn:${s.partition}:athena:${s.region}:${s.account}:workgroup/${this.workgroupName}`],
    );
    add(['glue:GetDatabase'], [this.catalogArn(), this.databaseArn()]);
    add(
      ['glue:GetTable'],
      [this.catalogArn(), this.databaseArn(), ...RAW_PREFIXES.map((p) => this.tableArn(p))],
    );
    add(['s3:GetBucketLocation', 's3:ListBucket'], [this.bucket.bucketArn]);
    add(['s3:GetObject'], [...RAW_PREFIXES.map((p) => this.bucket.arnForObjects(`${p}/*`))]);
    add(
      ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
      [this.bucket.arnForObjects('athena-results/*')],
    );
    for (const prefix of [...RAW_PREFIXES, 'athena-results'])
      Validations.of(grantee).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.bucketLogicalId()}.Arn>/${prefix}/*]`,
        reason:
          'Athena reads the Parquet objects Firehose writes under the raw event prefixes (keys it names) and writes its results under athena-results/, which expire after 7 days.',
      });
  }
}

/**
 * The one place that creates AWS clients and wires stores to handlers. A Lambda instance builds
 * its runtime on first use and reuses it across invocations.
 */
import { randomUUID } from 'node:crypto';
import type { ReleaseStore } from '../../shared/release/release-store';
import type { AuditAnchor } from '../../shared/store/audit-anchor';
import type { AuditStore } from '../../shared/store/audit-store';
import type { ChangeRequestStore, NotificationStore } from '../../shared/store/change-request-store';
import type { ClientMetricsStore } from '../../shared/store/client-metrics-store';
import type { DefinitionStore } from '../../shared/store/definition-store';
import type { EnvironmentStore } from '../../shared/store/environment-store';
import type { EventStore } from '../../shared/store/event-store';
import type { ExperimentStore, MetricStore } from '../../shared/store/experiment-store';
import type { FlagStore } from '../../shared/store/flag-store';
import type { RawEventStore } from '../../shared/store/raw-event-store';
import type { SegmentStore } from '../../shared/store/segment-store';
import type { TokenStore } from '../../shared/store/token-store';
import { type CredentialSource, credentialsFromEnv } from '../aws/aws-request';
import { DynamoDbClient } from '../aws/dynamodb-client';
import { DynamoDocumentClient } from '../aws/dynamodb-document';
import type { RestagePort } from '../services/restage-protocol';
import { createServedConfig, type ServedConfig } from '../services/served-config';
import { createPepperSource } from '../services/tokens';
import { createDynamoAuditStore } from '../stores/dynamo-audit-store';
import {
  createDynamoChangeRequestStore,
  createDynamoNotificationStore,
} from '../stores/dynamo-change-request-store';
import { createDynamoClientMetricsStore } from '../stores/dynamo-client-metrics-store';
import { createDynamoDefinitionStore } from '../stores/dynamo-definition-store';
import { createDynamoEnvironmentStore } from '../stores/dynamo-environment-store';
import { createDynamoEventStore } from '../stores/dynamo-event-store';
import { createDynamoExperimentStore, createDynamoMetricStore } from '../stores/dynamo-experiment-store';
import { createDynamoFlagStore } from '../stores/dynamo-flag-store';
import { createDynamoReleaseStore } from '../stores/dynamo-release-store';
import { createDynamoSegmentStore } from '../stores/dynamo-segment-store';
import { anchorChain } from '../stores/dynamo-support';
import { createDynamoTokenStore } from '../stores/dynamo-token-store';
import { createFileAuditAnchor } from '../stores/file-audit-anchor';
import { createFirehoseRawEventStore } from '../stores/firehose-raw-event-store';
import { createLocalRawEventStore, localLakeRoot } from '../stores/local-raw-event-store';
import { createS3AuditAnchor } from '../stores/s3-audit-anchor';
import { type TableNames, tableNames } from '../tables/tables';
import { loadConfig, type OmnilabConfig } from './config';

export interface Runtime {
  config: OmnilabConfig;
  tables: TableNames;
  flags: FlagStore;
  segments: SegmentStore;
  environments: EnvironmentStore;
  tokens: TokenStore;
  audit: AuditStore;
  clientMetrics: ClientMetricsStore;
  experiments: ExperimentStore;
  metrics: MetricStore;
  events: EventStore;
  changeRequests: ChangeRequestStore;
  notifications: NotificationStore;
  /** Release templates, plans and impact metrics (shared/release). */
  releases: ReleaseStore;
  /** Context field definitions and tag types, as an Unleash import brings them. */
  definitions: DefinitionStore;
  served: ServedConfig;
  /**
   * Every event POST /api/events receives, with its outcome (Firehose to S3 on AWS, JSONL under
   * `<stateDir>/lake` locally); absent when neither is configured, and then nothing raw is kept.
   */
  rawEvents?: RawEventStore;
  /**
   * Re-runs a governed route, staged, in the function that owns it (a change request's edit):
   * `npm start` and tests wire it in-process (local/local-restage.ts); absent on AWS, where
   * admin-governance invokes the owner through Lambda's Invoke API (functions/services/lambda-restage.ts,
   * built there so that no other function bundles it).
   */
  restage?: RestagePort;
  now: () => Date;
  newId: () => string;
}

export interface DynamoClients {
  client: DynamoDbClient;
  doc: DynamoDocumentClient;
}

/**
 * omnilab's own DynamoDB client (functions/aws/) and its document layer: the function role's
 * credentials from the environment on AWS, fixed ones for DynamoDB Local (which accepts any, and
 * keeps it off the developer's AWS profile); `credentials` for an operator's script on a laptop.
 */
export function createDynamoClients(
  config: Pick<OmnilabConfig, 'dynamodbEndpoint' | 'region'>,
  credentials?: CredentialSource,
): DynamoClients {
  const client = new DynamoDbClient(
    config.dynamodbEndpoint
      ? {
          endpoint: config.dynamodbEndpoint,
          region: 'local',
          credentials: credentials ?? (async () => ({ accessKeyId: 'local', secretAccessKey: 'local' })),
        }
      : { region: config.region, credentials: credentials ?? credentialsFromEnv() },
  );
  const doc = DynamoDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
  return { client, doc };
}

/**
 * Where the audit chain's head is anchored: a file locally, where this process also writes it
 * after each commit; on AWS the Object Lock bucket, written by the audit table's stream consumer
 * (functions/handlers/audit-anchor-handler.ts), so the functions only read it.
 */
export function createAuditAnchor(
  config: OmnilabConfig,
  { client, doc }: DynamoClients,
): AuditAnchor | undefined {
  if (config.auditAnchorFile) {
    const anchor = createFileAuditAnchor(config.auditAnchorFile);
    // The logger loads when needed: the authorizer's bundle shares this module and carries none.
    anchorChain(doc, anchor, (e) => {
      void import('./logger').then(({ errorFields, logger }) =>
        logger.warn('the audit chain head was not anchored (the next commit anchors a later one)', {
          error: errorFields(e),
        }),
      );
    });
    return anchor;
  }
  if (config.auditAnchorBucket)
    return createS3AuditAnchor({
      bucket: config.auditAnchorBucket,
      region: config.region,
      credentials: awsCredentials(client),
    });
  return undefined;
}

/** The DynamoDB client's credentials (the Lambda role, or the operator's profile), for signed calls. */
export function awsCredentials(client: DynamoDbClient): CredentialSource {
  return client.credentials;
}

/** The raw event store the configuration names: Firehose on AWS, the local lake, or none. */
export function createRawEventStore(
  config: Pick<OmnilabConfig, 'rawEvents' | 'stateDir' | 'region'>,
  credentials: CredentialSource,
): RawEventStore | undefined {
  const raw = config.rawEvents;
  if (raw)
    return createFirehoseRawEventStore({
      stream: raw.stream,
      region: config.region,
      credentials,
      location: {
        kind: 's3',
        bucket: raw.bucket,
        prefix: 'events/',
        rejectedPrefix: 'rejected/',
        database: raw.database,
        table: 'events',
        rejectedTable: 'rejected',
        workgroup: raw.workgroup,
      },
    });
  if (config.stateDir) return createLocalRawEventStore({ root: localLakeRoot(config.stateDir) });
  return undefined;
}

export function createRuntime(config: OmnilabConfig, clients = createDynamoClients(config)): Runtime {
  const tables = tableNames(config.tablePrefix);
  const { client, doc } = clients;
  const auditAnchor = createAuditAnchor(config, clients);
  const flags = createDynamoFlagStore(doc, tables);
  const segments = createDynamoSegmentStore(doc, tables);
  return {
    config,
    tables,
    flags,
    segments,
    environments: createDynamoEnvironmentStore(doc, tables),
    tokens: createDynamoTokenStore(doc, tables, createPepperSource(config, awsCredentials(client))),
    audit: createDynamoAuditStore(doc, tables, auditAnchor),
    clientMetrics: createDynamoClientMetricsStore(doc, tables, config.metricsRetentionDays),
    experiments: createDynamoExperimentStore(doc, tables),
    metrics: createDynamoMetricStore(doc, tables),
    events: createDynamoEventStore(client, { table: tables.events }),
    changeRequests: createDynamoChangeRequestStore(doc, tables),
    notifications: createDynamoNotificationStore(doc, tables),
    releases: createDynamoReleaseStore(doc, tables),
    definitions: createDynamoDefinitionStore(doc, tables),
    served: createServedConfig({
      flags,
      segments,
      channels: config.channels,
      cacheMs: config.configCacheMs,
      sensitiveFields: config.sensitiveFields,
    }),
    rawEvents: createRawEventStore(config, awsCredentials(client)),
    now: () => new Date(),
    newId: () => randomUUID(),
  };
}

let runtime: Runtime | undefined;

/**
 * A Lambda instance's runtime, built on first use from its environment variables: only the entries'
 * `handler` call it; `npm start`, tests and benchmarks build one runtime and call `create(runtime)`.
 */
export function getRuntime(): Runtime {
  runtime ??= createRuntime(loadConfig(process.env));
  return runtime;
}

/**
 * The store ports the handlers are written against; functions/stores/ implements them on DynamoDB and
 * in memory.
 */
export type { AuditAnchor } from './audit-anchor';
export type { AuditQuery, AuditStore } from './audit-store';
export type { ChangeRequestStore, NotificationStore } from './change-request-store';
export type {
  ClientMetricsCount,
  ClientMetricsRow,
  ClientMetricsStore,
  ClientRegistration,
  ClientRegistrationRow,
} from './client-metrics-store';
export type { EnvironmentStore } from './environment-store';
export type { EventStore, StoredOutcome } from './event-store';
export type { ExperimentStore, MetricStore, StoredExperiment, StoredMetric } from './experiment-store';
export type { FlagStore, FlagWrite } from './flag-store';
export type { SegmentStore, SegmentWrite } from './segment-store';
export type { TokenStore } from './token-store';

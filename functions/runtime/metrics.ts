/**
 * The business counters the dashboard shows (infra/constructs/monitoring.ts), with Powertools
 * Metrics: CloudWatch Embedded Metric Format lines in the log, namespace `omnilab`, dimensions
 * `service` (omnilab) and `deployment` (the stage's table prefix). Counted while an invocation runs and written once at its end (`publishMetrics`, in the
 * middy stack of every function that counts), on AWS and under `npm start` alike;
 * OMNILAB_METRICS=off leaves them out (functions/runtime/config.ts).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import { loadTelemetryConfig } from './config';
import { SERVICE_NAME } from './logger';

export const METRICS_NAMESPACE = 'omnilab';

/** Every counter, by the name CloudWatch shows. */
export const BUSINESS_METRICS = [
  // POST /api/events, by each event's outcome.
  'EventsAccepted',
  'EventsDuplicate',
  'EventsStored',
  'EventsRejected',
  // Governance: held for approval, fully approved, applied (by a person, the scheduler, a kill switch or an emergency).
  'ChangeRequestsOpened',
  'ChangeRequestsApproved',
  'ChangeRequestsApplied',
  // The scheduled function: treatments halted by a guardrail, release plans paused and rolled back.
  'GuardrailHalts',
  'ReleasePauses',
  'ReleaseRollbacks',
] as const;

export type BusinessMetric = (typeof BUSINESS_METRICS)[number];

const metrics = /* @__PURE__ */ new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: SERVICE_NAME,
  defaultDimensions: { deployment: loadTelemetryConfig().deployment },
});

/** Adds `n` to a counter of this invocation; nothing for 0. */
export function countMetric(name: BusinessMetric, n = 1): void {
  if (n > 0) metrics.addMetric(name, MetricUnit.Count, n);
}

/** Writes this invocation's counters as one EMF line, if any were counted (no line, no warning, otherwise). */
export function flushMetrics(): void {
  if (!metrics.hasStoredMetrics()) return;
  if (loadTelemetryConfig().metricsEnabled) metrics.publishStoredMetrics();
  else metrics.clearMetrics();
}

/** The middy middleware: flushes after the handler, answered or failed. */
export function publishMetrics<E, R>(): middy.MiddlewareObj<E, R> {
  return {
    after: async () => flushMetrics(),
    onError: async () => flushMetrics(),
  };
}

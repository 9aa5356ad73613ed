/**
 * The business counters the dashboard shows (infra/constructs/monitoring.ts), as CloudWatch
 * Embedded Metric Format lines in the log (written here: EMF is one JSON line, and Powertools
 * Metrics cost every bundle 10 kB for it), namespace `omnilab`, dimensions
 * `service` (omnilab) and `deployment` (the stage's table prefix). Counted while an invocation runs and written once at its end (`publishMetrics`, in the
 * middy stack of every function that counts), on AWS and under `npm start` alike;
 * OMNILAB_METRICS=off leaves them out (functions/runtime/config.ts).
 */
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

/** This invocation's counters: a counter counted twice is one value, their sum (CloudWatch's Sum alike). */
const counted = new Map<BusinessMetric, number>();

/** Adds `n` to a counter of this invocation; nothing for 0. */
export function countMetric(name: BusinessMetric, n = 1): void {
  if (n > 0) counted.set(name, (counted.get(name) ?? 0) + n);
}

/** One EMF line (the CloudWatch embedded metric format specification): the metadata, then each value. */
export function emfLine(values: ReadonlyMap<BusinessMetric, number>, deployment: string, at: number): string {
  const line: Record<string, unknown> = {
    _aws: {
      Timestamp: at,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [['service', 'deployment']],
          Metrics: [...values.keys()].map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    service: SERVICE_NAME,
    deployment,
  };
  for (const [name, n] of values) line[name] = n;
  return JSON.stringify(line);
}

/** Writes this invocation's counters as one EMF line, if any were counted (no line, no warning, otherwise). */
export function flushMetrics(): void {
  if (counted.size === 0) return;
  const telemetry = loadTelemetryConfig();
  if (telemetry.metricsEnabled)
    process.stdout.write(`${emfLine(counted, telemetry.deployment, Date.now())}\n`);
  counted.clear();
}

/** The middy middleware: flushes after the handler, answered or failed. */
export function publishMetrics<E, R>(): middy.MiddlewareObj<E, R> {
  return {
    after: async () => flushMetrics(),
    onError: async () => flushMetrics(),
  };
}

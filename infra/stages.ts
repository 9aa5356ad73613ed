/** What differs between the deployed stages; everything else is the same code in both. */
import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type StageName = 'dev' | 'prod';

export interface StageConfig {
  name: StageName;
  /** Deletion protection and RETAIN on tables, buckets and log groups. */
  retain: boolean;
  logRetention: RetentionDays;
  /** Steady-state requests per second and burst the API accepts before answering 429. */
  throttle: { rateLimit: number; burstLimit: number };
  /** A function's or the API's p99 latency above this for 15 minutes raises an alarm. */
  p99LatencyAlarm: Duration;
  /** API 5xx answers in 5 minutes that raise an alarm. */
  serverErrorAlarm: number;
  /**
   * The raw event lake (infra/constructs/raw-event-lake.ts): days records are kept, by default and
   * for named environments (shorter only), and the bytes one Athena query may scan.
   */
  rawEvents: {
    retention: { defaultDays: number; environments: Readonly<Record<string, number>> };
    athenaScanLimitBytes: number;
  };
}

export const STAGES: Readonly<Record<StageName, StageConfig>> = {
  dev: {
    name: 'dev',
    retain: false,
    logRetention: RetentionDays.TWO_WEEKS,
    throttle: { rateLimit: 50, burstLimit: 100 },
    p99LatencyAlarm: Duration.seconds(3),
    serverErrorAlarm: 10,
    rawEvents: { retention: { defaultDays: 30, environments: {} }, athenaScanLimitBytes: 1024 ** 3 },
  },
  prod: {
    name: 'prod',
    retain: true,
    // Operational logs of a bank: kept for a year, long enough to answer an auditor's question.
    logRetention: RetentionDays.ONE_YEAR,
    throttle: { rateLimit: 2000, burstLimit: 4000 },
    p99LatencyAlarm: Duration.seconds(1),
    serverErrorAlarm: 1,
    // Thirteen months of production events (a year-on-year comparison), a month of the others'.
    rawEvents: {
      retention: { defaultDays: 400, environments: { development: 30 } },
      athenaScanLimitBytes: 10 * 1024 ** 3,
    },
  },
};

/** Every table, function and log group of a stage is named with this prefix. */
export function stagePrefix(stage: StageName): string {
  return `omnilab-${stage}-`;
}

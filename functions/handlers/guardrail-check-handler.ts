/**
 * The scheduled function, every minute (EventBridge on AWS, a timer under `npm start`): applies
 * approved changes that are due, steps rollout plans, and rolls an experiment's treatment back on
 * each channel where a guardrail degraded beyond its tolerance (functions/services/scheduler.ts).
 */
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { createDynamoClients, getRuntime, type Runtime } from '../runtime/composition-root';
import { errorFields, invocationContext, logger, logInvocation } from '../runtime/logger';
import { countMetric, publishMetrics } from '../runtime/metrics';
import {
  createLogNotifier,
  createPublishingNotifier,
  createStoringNotifier,
  type Notifier,
  snsPublishPort,
} from '../services/notifier';
import { runScheduled, type ScheduledRun } from '../services/scheduler';
import { migrateTotals } from '../stores/totals-migration';

export function create(runtime: Runtime, notifier: Notifier = defaultNotifier(runtime)) {
  const notify = createStoringNotifier(runtime.notifications, notifier);
  let totalsMigrated = false;
  const scheduled = middy<ScheduledEvent | undefined, ScheduledRun>()
    .use(logInvocation())
    .use(publishMetrics())
    .handler(async () => {
      logger.appendKeys({ job: 'guardrail-check' });
      // Once per process: statistics stored before the running totals get theirs (idempotent, and
      // after its mark one read); a failure is logged and retried on the next run, never blocking it.
      if (!totalsMigrated) {
        const { client } = createDynamoClients(runtime.config);
        await runtime.experiments
          .list()
          .then((all) =>
            migrateTotals(
              client,
              runtime.tables.events,
              all.map((e) => e.key),
            ),
          )
          .then(() => {
            totalsMigrated = true;
          })
          .catch((e) =>
            logger.error('the totals migration failed: it runs again next time', {
              job: 'totals-migration',
              error: errorFields(e),
            }),
          )
          .finally(() => client.destroy());
      }
      const run = await runScheduled(runtime, notify);
      countMetric('GuardrailHalts', run.halted.length);
      countMetric('ReleasePauses', run.releases?.paused.length ?? 0);
      countMetric('ReleaseRollbacks', run.releases?.rolledBack.length ?? 0);
      logger.info('scheduled run', {
        experiments: run.checkedExperiments,
        halted: run.halted.length,
        applied: run.applied.length,
        failed: run.failed.length,
        rolloutSteps: run.rolloutSteps.length,
      });
      return run;
    });
  // Outside Lambda (the `npm start` timer, tests) a run gets a context of its own.
  return (event?: ScheduledEvent, context?: Context): Promise<ScheduledRun> =>
    scheduled(event, context ?? invocationContext('guardrail-check'));
}

/** SNS when a topic is configured (on AWS), else the log. */
export function defaultNotifier(runtime: Runtime): Notifier {
  const { alertTopicArn, region } = runtime.config;
  return alertTopicArn
    ? createPublishingNotifier(snsPublishPort(alertTopicArn, region))
    : createLogNotifier();
}

let built: ReturnType<typeof create> | undefined;

export const handler = (event: ScheduledEvent, context: Context): Promise<ScheduledRun> => {
  built ??= create(getRuntime());
  return built(event, context);
};

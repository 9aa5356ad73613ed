/**
 * The scheduled function, every minute (EventBridge on AWS, a timer under `npm start`): applies
 * approved changes that are due, steps rollout plans, and rolls an experiment's treatment back on
 * each channel where a guardrail degraded beyond its tolerance (functions/lib/scheduler.ts).
 */
import type { ScheduledEvent } from 'aws-lambda';
import { getRuntime, type Runtime } from '../lib/composition-root';
import {
  createLogNotifier,
  createPublishingNotifier,
  createStoringNotifier,
  type Notifier,
  snsPublishPort,
} from '../lib/notifier';
import { runScheduled, type ScheduledRun } from '../lib/scheduler';

export function createGuardrailCheckHandler(runtime: Runtime, notifier: Notifier) {
  const notify = createStoringNotifier(runtime.notifications, notifier);
  return async (_event?: ScheduledEvent): Promise<ScheduledRun> => {
    const run = await runScheduled(runtime, notify);
    console.log(
      JSON.stringify({
        level: 'info',
        job: 'guardrail-check',
        experiments: run.checkedExperiments,
        halted: run.halted.length,
        applied: run.applied.length,
        failed: run.failed.length,
        rolloutSteps: run.rolloutSteps.length,
      }),
    );
    return run;
  };
}

/** SNS when a topic is configured (on AWS), else the log. */
export function defaultNotifier(runtime: Runtime): Notifier {
  const { alertTopicArn, region } = runtime.config;
  return alertTopicArn
    ? createPublishingNotifier(snsPublishPort(alertTopicArn, region))
    : createLogNotifier();
}

let built: ReturnType<typeof createGuardrailCheckHandler> | undefined;

export const handler = (event: ScheduledEvent): Promise<ScheduledRun> => {
  if (!built) {
    const runtime = getRuntime();
    built = createGuardrailCheckHandler(runtime, defaultNotifier(runtime));
  }
  return built(event);
};

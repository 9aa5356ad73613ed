/**
 * One run of the scheduled function (every minute): apply the approved changes that are due (each
 * only while its digest matches and its effect now is no larger than the one approved), step
 * rollout plans whose time came (each step's effect computed again at its time), remind of
 * emergency changes whose retrospective review is overdue, and check every running experiment's
 * guardrails, turning the treatment off on each channel where one degraded beyond its tolerance.
 */
import { checkGuardrails } from '../../shared/experiments/guardrail';
import type { GuardrailCheck } from '../../shared/experiments/results-types';
import { type ChangeRequest, isApproved } from '../../shared/governance/change-request';
import { effectGrew, NO_EFFECT } from '../../shared/governance/effect';
import { changeDigest } from '../../shared/governance/proposed-change';
import { OmnilabError } from '../../shared/model/errors';
import type { Principal } from '../../shared/model/token';
import type { StoredExperiment } from '../../shared/store/experiment-store';
import type { Runtime } from '../runtime/composition-root';
import { applyChangeRequest, commitOps, effectNow, reopen } from './change-requests';
import { writeExperiment } from './experiment-writes';
import { changeRequestAudit } from './governance';
import type { Notifier } from './notifier';
import { type ReleaseRun, stepReleasePlans } from './release-scheduler';
import { stage } from './staging';

export const SCHEDULER: Principal = { name: 'omnilab-scheduler', kind: 'admin', role: 'platform-admin' };
export const GUARDRAIL_MONITOR: Principal = {
  name: 'omnilab-guardrail',
  kind: 'admin',
  role: 'platform-admin',
};

export interface ScheduledRun {
  at: string;
  applied: string[];
  failed: string[];
  /** Due changes and plan steps whose effect grew since approval: open again, not applied. */
  reopened: string[];
  /** Emergency changes whose retrospective review is overdue (a notification each run). */
  overdueReviews: string[];
  rolloutSteps: { changeRequest: string; experiment: string; percent: number }[];
  checkedExperiments: number;
  halted: { experiment: string; channels: string[] }[];
  /** Release plans looked at, advanced, rolled back, completed, paused. */
  releases?: ReleaseRun;
}

async function notifyFailure(runtime: Runtime, notifier: Notifier, cr: ChangeRequest, why: string) {
  await notifier.notify({
    id: runtime.newId(),
    at: runtime.now().toISOString(),
    kind: cr.kind === 'rollout-plan' ? 'rollout-stopped' : 'scheduled-change-failed',
    subject: cr.target.id,
    message: `change request ${cr.id} (${cr.title}) did not apply: ${why}`,
    details: { changeRequest: cr.id },
  });
}

async function stepRollout(
  runtime: Runtime,
  notifier: Notifier,
  cr: ChangeRequest,
  run: ScheduledRun,
): Promise<void> {
  const now = runtime.now();
  const steps = cr.steps ?? [];
  const due = steps.filter((s) => !s.appliedAt && Date.parse(s.at) <= now.getTime());
  if (due.length === 0) return;
  const experiment = await runtime.experiments.get(cr.target.id);
  const at = now.toISOString();
  const stop = async (reason: string) => {
    const next: ChangeRequest = { ...cr, status: 'stopped', reason, version: cr.version + 1, updatedAt: at };
    await runtime.changeRequests.write(next, cr.version, [
      changeRequestAudit(runtime, SCHEDULER, 'change-request.stopped', cr, next),
    ]);
    await notifyFailure(runtime, notifier, cr, reason);
  };
  if (experiment?.status !== 'running') return stop('the experiment is not running');
  if (experiment.haltedChannels.length > 0)
    return stop(`a guardrail halted it on ${experiment.haltedChannels.join(', ')}`);
  const plan = cr.change?.plan;
  if (!plan || changeDigest(cr.change!) !== cr.digest)
    return stop('its content does not match the digest approved');
  // A run that missed several steps catches up to the latest one due; none is applied twice.
  const target = due[due.length - 1];
  const next: StoredExperiment = {
    ...experiment,
    trafficPercent: target.percent,
    version: experiment.version + 1,
    updatedAt: at,
  };
  try {
    // The step is proposed like any write, and its effect computed now: a plan approved while the
    // experiment ran in development does nothing in production without a new approval.
    const staged = stage(runtime);
    await writeExperiment(staged, SCHEDULER, next, experiment, { action: 'experiment.rollout-step' });
    const effect = await effectNow(runtime, staged.staging.ops, cr.effect?.declared ?? []);
    if (effectGrew(cr.effect ?? NO_EFFECT, effect)) {
      const why = 'its next step reaches more than was approved: it needs approval again';
      await reopen(runtime, SCHEDULER, cr, effect, why);
      run.reopened.push(cr.id);
      await notifyAgain(runtime, notifier, cr, why);
      return;
    }
    await commitOps(runtime, staged.staging.ops, { changeRequest: cr.id });
  } catch (e) {
    if (e instanceof OmnilabError) return; // someone changed it meanwhile: the next run tries again
    throw e;
  }
  const remaining = steps.some((s) => !s.appliedAt && !due.includes(s));
  const updated: ChangeRequest = {
    ...cr,
    steps: steps.map((s) => (due.includes(s) ? { ...s, appliedAt: at } : s)),
    status: remaining ? 'in-progress' : 'applied',
    ...(remaining ? {} : { appliedAt: at }),
    version: cr.version + 1,
    updatedAt: at,
  };
  await runtime.changeRequests.write(updated, cr.version, [
    changeRequestAudit(runtime, SCHEDULER, 'change-request.rollout-step', cr, updated),
  ]);
  run.rolloutSteps.push({ changeRequest: cr.id, experiment: experiment.key, percent: target.percent });
}

async function notifyAgain(runtime: Runtime, notifier: Notifier, cr: ChangeRequest, why: string) {
  await notifier.notify({
    id: runtime.newId(),
    at: runtime.now().toISOString(),
    kind: 'approval-needed-again',
    subject: cr.target.id,
    message: `change request ${cr.id} (${cr.title}) did not apply: ${why}`,
    details: { changeRequest: cr.id, effect: cr.effect },
  });
}

async function remindOverdue(runtime: Runtime, notifier: Notifier, run: ScheduledRun): Promise<void> {
  const now = runtime.now();
  const waiting = await runtime.changeRequests.list({ statuses: ['needs-review'] });
  for (const cr of waiting) {
    if (cr.kind !== 'emergency' || !cr.reviewDueAt || Date.parse(cr.reviewDueAt) > now.getTime()) continue;
    run.overdueReviews.push(cr.id);
    await notifier.notify({
      id: runtime.newId(),
      at: now.toISOString(),
      kind: 'emergency-review-overdue',
      subject: cr.target.id,
      message: `emergency change ${cr.id} by ${cr.author.name} (${cr.emergencyReason}) was due for review by a second person at ${cr.reviewDueAt} and still waits`,
      details: { changeRequest: cr.id, reviewDueAt: cr.reviewDueAt },
    });
  }
}

async function applyDue(runtime: Runtime, notifier: Notifier, run: ScheduledRun): Promise<void> {
  const now = runtime.now().getTime();
  const waiting = await runtime.changeRequests.list({ statuses: ['approved', 'in-progress'] });
  // Oldest first: changes scheduled for the same minute apply in the order they were asked for.
  for (const cr of waiting.reverse()) {
    if (!isApproved(cr)) continue;
    if (cr.kind === 'rollout-plan') {
      await stepRollout(runtime, notifier, cr, run);
      continue;
    }
    if (cr.kind !== 'change' || !cr.applyAt || Date.parse(cr.applyAt) > now) continue;
    const done = await applyChangeRequest(runtime, cr, SCHEDULER);
    if (done.status === 'applied') run.applied.push(cr.id);
    else if (done.status === 'open') {
      run.reopened.push(cr.id);
      await notifyAgain(runtime, notifier, done, done.reason ?? 'its effect grew since it was approved');
    } else {
      run.failed.push(cr.id);
      await notifyFailure(runtime, notifier, cr, done.result?.message ?? `status ${done.result?.status}`);
    }
  }
}

function evidenceOf(c: GuardrailCheck) {
  return {
    metric: c.metric,
    variant: c.variant,
    channel: c.channel,
    pValue: c.evidence.pValue,
    alpha: c.evidence.alpha,
    harm: c.evidence.harm,
    tolerance: c.evidence.tolerance,
    relativeChange: c.evidence.relativeChange,
    ciLower: c.evidence.ciLower,
    ciUpper: c.evidence.ciUpper,
    controlMean: c.evidence.controlMean,
    treatmentMean: c.evidence.treatmentMean,
    controlUnits: c.evidence.controlUnits,
    treatmentUnits: c.evidence.treatmentUnits,
  };
}

async function checkExperiments(runtime: Runtime, notifier: Notifier, run: ScheduledRun): Promise<void> {
  const running = (await runtime.experiments.list()).filter((e) => e.status === 'running');
  if (running.length === 0) return;
  const catalogue = await runtime.metrics.list();
  for (const experiment of running) {
    run.checkedExperiments++;
    const cells = await runtime.events.readCells(experiment.key);
    const tripped = checkGuardrails(experiment, catalogue, cells).filter(
      (c) =>
        c.status === 'degraded' &&
        c.channel !== null &&
        experiment.channels.includes(c.channel) &&
        !experiment.haltedChannels.includes(c.channel),
    );
    if (tripped.length === 0) continue;
    const channels = [...new Set(tripped.map((c) => c.channel as string))];
    const at = runtime.now().toISOString();
    const next: StoredExperiment = {
      ...experiment,
      haltedChannels: [...experiment.haltedChannels, ...channels],
      version: experiment.version + 1,
      updatedAt: at,
    };
    const evidence = tripped.map(evidenceOf);
    try {
      await writeExperiment(runtime, GUARDRAIL_MONITOR, next, experiment, {
        action: 'experiment.guardrail-halted',
        extraAudit: [
          {
            action: 'experiment.guardrail-tripped',
            target: { type: 'experiment', id: experiment.key },
            environments: [experiment.environment],
            before: null,
            after: {
              channels,
              rule: 'sequential test p < alpha (Bonferroni-corrected), harmful direction, harm > tolerance',
              evidence,
            },
          },
        ],
      });
    } catch (e) {
      // Someone saved the experiment between the read and the write: the next run sees it again.
      if (e instanceof OmnilabError) continue;
      throw e;
    }
    run.halted.push({ experiment: experiment.key, channels });
    const worst = evidence[0];
    await notifier.notify({
      id: runtime.newId(),
      at,
      kind: 'guardrail-halt',
      subject: experiment.key,
      message: `guardrail ${worst.metric} degraded on ${channels.join(', ')} (harm ${(worst.harm * 100).toFixed(1)}% > tolerance ${(worst.tolerance * 100).toFixed(1)}%, p = ${worst.pValue.toExponential(2)}): experiment ${experiment.key}'s treatment is off there until an approved change request resumes it`,
      details: { experiment: experiment.key, environment: experiment.environment, channels, evidence },
    });
  }
}

export async function runScheduled(runtime: Runtime, notifier: Notifier): Promise<ScheduledRun> {
  const run: ScheduledRun = {
    at: runtime.now().toISOString(),
    applied: [],
    failed: [],
    reopened: [],
    overdueReviews: [],
    rolloutSteps: [],
    checkedExperiments: 0,
    halted: [],
  };
  // Guardrails first: a rollout step due in the same minute must not widen a harmful treatment.
  await checkExperiments(runtime, notifier, run);
  // Release plans: safeguards first within each plan, then its gates (functions/services/release-scheduler.ts).
  run.releases = await stepReleasePlans(runtime, notifier);
  await applyDue(runtime, notifier, run);
  await remindOverdue(runtime, notifier, run);
  return run;
}

/**
 * The scheduler's release step: for every live plan, read its milestone's evidence (exposed vs
 * held-back statistics from the event store, SDK impact metrics), let the pure state machine decide
 * (shared/release/release-plan.ts), and serve its decision. A milestone is served as a flag write
 * proposed like any other (staged, its effect and served-document size checked) and committed only
 * because the plan's approvals cover the digest of the milestones as written; a rollback is a pure
 * reduction, applied at once like a guardrail halt, with its evidence in the audit log and a
 * notification. Each run also sends the notices of flags overdue (release-stale-notices.ts).
 * Ingestion's side is in release-ingest.ts.
 */
import type { StatsVector } from '../../shared/experiments/unit-state';
import { OmnilabError } from '../../shared/model/errors';
import type { Flag } from '../../shared/model/flag';
import type { Principal } from '../../shared/model/token';
import { type ReleasePlan, stepPlan } from '../../shared/release/release-plan';
import { environmentStateFor } from '../../shared/release/release-rollout';
import { exposedUnits, milestoneKey, safeguardChecks } from '../../shared/release/release-safeguards';
import type { Runtime } from '../runtime/composition-root';
import { auditEntry } from './admin-support';
import { commitOps, effectNow } from './change-requests';
import type { Notifier } from './notifier';
import { noticeStaleFlags } from './release-stale-notices';
import { stage } from './staging';

export const RELEASE_SCHEDULER: Principal = {
  name: 'omnilab-release',
  kind: 'admin',
  role: 'platform-admin',
};

export interface ReleaseRun {
  checked: number;
  advanced: { flag: string; environment: string; milestone: number }[];
  rolledBack: { flag: string; environment: string; channels: string[] }[];
  completed: string[];
  paused: string[];
  /** Flags notified as potentially stale in this run (once per flag per notice period). */
  staleNoticed: string[];
}

const LIVE = new Set(['pending-approval', 'active', 'paused']);

async function serve(runtime: Runtime, plan: ReleasePlan, flag: Flag, next: ReleasePlan, action: string) {
  if (!next.applied) return flag.version;
  const state = environmentStateFor(flag.name, next.applied, runtime.config.channels);
  const after: Flag = {
    ...flag,
    environments: { ...flag.environments, [plan.environment]: state },
    version: flag.version + 1,
    updatedAt: runtime.now().toISOString(),
  };
  const staged = stage(runtime);
  await staged.flags.write(
    [{ flag: after, expectedVersion: flag.version }],
    [
      auditEntry(runtime, RELEASE_SCHEDULER, {
        action,
        target: { type: 'flag', id: flag.name },
        environments: [plan.environment],
        before: flag,
        after: {
          ...after,
          releasePlan: { digest: next.digest, milestone: next.current, approvals: next.approvals },
        },
      }),
    ],
  );
  // The effect is computed as for any write (and a served document over its limit refuses it); the
  // plan's approvals of this digest are what lets it through.
  await effectNow(runtime, staged.staging.ops, []);
  await commitOps(runtime, staged.staging.ops);
  return after.version;
}

/** One look at every live plan, and the notices of flags newly overdue. */
export async function stepReleasePlans(runtime: Runtime, notifier: Notifier): Promise<ReleaseRun> {
  const run: ReleaseRun = {
    checked: 0,
    advanced: [],
    rolledBack: [],
    completed: [],
    paused: [],
    staleNoticed: await noticeStaleFlags(runtime, notifier),
  };
  const plans = (await runtime.releases.listPlans()).filter((p) => LIVE.has(p.status));
  if (plans.length === 0) return run;
  const catalogue = await runtime.metrics.list();
  const { channels } = runtime.config;
  for (const plan of plans) {
    run.checked++;
    const flag = await runtime.flags.get(plan.flag);
    if (!flag) continue;
    const state = flag.environments[plan.environment];
    const flagUnchanged =
      plan.flagVersion === undefined || (flag.version === plan.flagVersion && state?.enabled === true);
    let cells: Map<string, StatsVector> = new Map();
    let checks: ReleasePlan['lastChecks'] = [];
    if (plan.current >= 0 && plan.applied) {
      cells = await runtime.events.readCells(milestoneKey(plan));
      const impact = await runtime.releases.readImpact(plan.environment, plan.flag);
      checks = safeguardChecks(plan, catalogue, cells, impact, channels);
    }
    const now = runtime.now();
    const step = stepPlan(
      plan,
      { exposedUnits: exposedUnits(plan, cells), checks, flagUnchanged },
      now,
      RELEASE_SCHEDULER.name,
      channels,
    );
    let next: ReleasePlan = { ...step.plan, version: plan.version + 1 };
    const rolling = step.rolledBack.length > 0;
    try {
      if (step.write) {
        const action = rolling ? 'flag.release-rollback' : 'flag.release-step';
        next = { ...next, flagVersion: await serve(runtime, plan, flag, next, action) };
      }
      const moved = next.status !== plan.status || next.current !== plan.current || step.write !== null;
      const audit = moved
        ? [
            auditEntry(runtime, RELEASE_SCHEDULER, {
              action: rolling ? 'release-plan.rolled-back' : `release-plan.${next.status}`,
              target: { type: 'flag', id: plan.flag },
              environments: [plan.environment],
              before: { status: plan.status, current: plan.current, rolledBack: plan.rolledBack },
              after: {
                status: next.status,
                current: next.current,
                rolledBack: next.rolledBack,
                digest: next.digest,
                ...(rolling ? { evidence: next.events.at(-1)?.evidence ?? [] } : {}),
              },
            }),
          ]
        : [];
      await runtime.releases.writePlan(next, plan.version, audit);
    } catch (e) {
      // Someone wrote the flag or the plan meanwhile: the next run looks again.
      if (e instanceof OmnilabError) continue;
      throw e;
    }
    const where = `${plan.flag} in ${plan.environment}`;
    if (rolling) {
      run.rolledBack.push({ flag: plan.flag, environment: plan.environment, channels: step.rolledBack });
      const evidence = next.events.at(-1)?.evidence ?? [];
      await notifier.notify({
        id: runtime.newId(),
        at: now.toISOString(),
        kind: 'guardrail-halt',
        subject: plan.flag,
        message: `release of ${where} paused: a safeguard degraded on ${step.rolledBack.join(', ')}, rolled back there (${plan.rollback.channel}); the other channels keep their share`,
        details: { releasePlan: where, channels: step.rolledBack, evidence },
      });
    } else if (next.status === 'paused' && plan.status !== 'paused') {
      run.paused.push(where);
      await notifier.notify({
        id: runtime.newId(),
        at: now.toISOString(),
        kind: 'rollout-stopped',
        subject: plan.flag,
        message: `release of ${where} paused: ${next.pausedReason ?? ''}`,
        details: { releasePlan: where },
      });
    }
    if (next.current !== plan.current)
      run.advanced.push({ flag: plan.flag, environment: plan.environment, milestone: next.current });
    if (next.status === 'completed' && plan.status !== 'completed') run.completed.push(where);
  }
  return run;
}

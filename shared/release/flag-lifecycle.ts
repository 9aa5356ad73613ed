/**
 * A flag's lifecycle, derived from evidence unless a person set it: `initial` (created, never evaluated),
 * `pre-live` (evaluated by SDKs outside protected environments), `live` (evaluated in a protected
 * one), `completed` (a release plan completed there, or it serves everyone on every channel of
 * every protected environment), `archived`. Each stage with the time the evidence for it begins.
 * A flag is potentially stale once it outlives its type's expected lifetime without being
 * completed or archived; the cleanup report lists flags fully rolled out or unused for N days. A
 * stage set by a person (`flag.lifecycleStage`) stands over the evidence until it is cleared;
 * archiving stands over both.
 * Pure: the evidence (client-metrics rows, plans) is passed in with the clock.
 */
import type { Flag, FlagType } from '../model/flag';
import type { ClientMetricsSeen } from '../store/client-metrics-store';
import type { ReleasePlan } from './release-plan';

export const LIFECYCLE_STAGES = ['initial', 'pre-live', 'live', 'completed', 'archived'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** The stages a person may set: archiving is its own flag write (it changes what is served). */
export const SETTABLE_STAGES = ['initial', 'pre-live', 'live', 'completed'] as const;

export interface Lifecycle {
  stage: LifecycleStage;
  since: string;
  /** Who set the stage, when a person did (absent: derived from evidence). */
  setBy?: string;
}

/** Days a flag of each type is expected to live (Unleash's defaults); null: meant to stay. */
export const EXPECTED_LIFETIME_DAYS: Readonly<Record<FlagType, number | null>> = {
  release: 40,
  experiment: 40,
  operational: 7,
  'kill-switch': null,
  permission: null,
};

/** An hour a flag was evaluated in: a seen mark, or a client-metrics row (with its counts). */
export type EvaluatedHour = ClientMetricsSeen & { yes?: number; no?: number };

/** A row with counts counts when some were counted; a seen mark always does. */
const evaluated = (r: EvaluatedHour) => r.yes === undefined || r.yes + (r.no ?? 0) > 0;

export interface LifecycleEvidence {
  /** Hours the flag was evaluated in, every environment (other flags' are passed over). */
  metrics: readonly EvaluatedHour[];
  plans: readonly ReleasePlan[];
  protectedEnvironments: ReadonlySet<string>;
  channels: readonly string[];
}

function earliest(times: readonly string[]): string | undefined {
  return times.length === 0 ? undefined : [...times].sort()[0];
}

/** True when the environment serves the flag to everyone on every channel (no strategy narrows it). */
export function fullyRolledOut(flag: Flag, environment: string, channels: readonly string[]): boolean {
  const s = flag.environments[environment];
  if (!s?.enabled || !channels.every((c) => s.channels[c] === true)) return false;
  if (s.strategies.length === 0) return true;
  return s.strategies.some(
    (st) =>
      (st.constraints ?? []).length === 0 &&
      (st.segments ?? []).length === 0 &&
      (st.name === 'default' || (st.name === 'flexibleRollout' && String(st.parameters?.rollout) === '100')),
  );
}

function everyChannelFull(flag: Flag, env: string, e: LifecycleEvidence): boolean {
  const s = flag.environments[env];
  if (!s?.enabled || !e.channels.every((c) => s.channels[c] === true)) return false;
  if (fullyRolledOut(flag, env, e.channels)) return true;
  // A release plan's last milestone: one 100% rollout per channel.
  return e.channels.every((c) =>
    s.strategies.some(
      (st) =>
        st.name === 'flexibleRollout' &&
        String(st.parameters?.rollout) === '100' &&
        (st.segments ?? []).length === 0 &&
        (st.constraints ?? []).some((k) => k.contextName === 'channel' && (k.values ?? []).includes(c)),
    ),
  );
}

export function lifecycleOf(flag: Flag, e: LifecycleEvidence): Lifecycle {
  if (flag.archived) return { stage: 'archived', since: flag.updatedAt };
  const set = flag.lifecycleStage;
  if (set) return { stage: set.stage, since: set.since, setBy: set.by };
  const prot = [...e.protectedEnvironments].filter((env) => flag.environments[env] !== undefined);
  const completedPlan = e.plans.find(
    (p) => p.flag === flag.name && p.status === 'completed' && e.protectedEnvironments.has(p.environment),
  );
  if (completedPlan) return { stage: 'completed', since: completedPlan.updatedAt };
  if (prot.length > 0 && prot.every((env) => everyChannelFull(flag, env, e)))
    return { stage: 'completed', since: flag.updatedAt };
  const seen = e.metrics.filter((r) => r.flag === flag.name && evaluated(r));
  const live = earliest(seen.filter((r) => e.protectedEnvironments.has(r.environment)).map((r) => r.hour));
  if (live) return { stage: 'live', since: live };
  const pre = earliest(seen.map((r) => r.hour));
  if (pre) return { stage: 'pre-live', since: pre };
  return { stage: 'initial', since: flag.createdAt };
}

/** When a flag of its type is expected to be gone (null: meant to stay). */
export function expectedEndOf(flag: Flag): string | null {
  const days = EXPECTED_LIFETIME_DAYS[flag.type];
  return days === null ? null : new Date(Date.parse(flag.createdAt) + days * 86_400_000).toISOString();
}

/** Past its type's expected lifetime and not archived (completed but kept in code: stale too). */
export function potentiallyStale(flag: Flag, lifecycle: Lifecycle, now: Date): boolean {
  if (lifecycle.stage === 'archived') return false;
  const end = expectedEndOf(flag);
  return end !== null && now.getTime() > Date.parse(end);
}

/** A potentially-stale flag is notified once per this many days while it stays so. */
export const STALE_NOTICE_PERIOD_DAYS = 7;

/** The notice period `now` falls in, counted from the flag's expected end (0: the first week overdue). */
export function staleNoticePeriod(flag: Flag, now: Date): number | null {
  const end = expectedEndOf(flag);
  if (end === null || now.getTime() <= Date.parse(end)) return null;
  return Math.floor((now.getTime() - Date.parse(end)) / (STALE_NOTICE_PERIOD_DAYS * 86_400_000));
}

export interface CleanupEntry {
  flag: string;
  squad: string;
  reason: 'fully-rolled-out' | 'unused';
  /** Since when: the completion, or the last evaluation seen (the creation when none). */
  since: string;
}

/** Flags to remove from code: completed (fully rolled out), or not evaluated anywhere for `days`. */
export function cleanupReport(
  flags: readonly Flag[],
  lifecycles: ReadonlyMap<string, Lifecycle>,
  metrics: readonly EvaluatedHour[],
  now: Date,
  days: number,
): CleanupEntry[] {
  const out: CleanupEntry[] = [];
  const lastSeen = new Map<string, string>();
  for (const r of metrics) {
    const was = lastSeen.get(r.flag);
    if (evaluated(r) && (was === undefined || r.hour > was)) lastSeen.set(r.flag, r.hour);
  }
  for (const f of flags) {
    const lc = lifecycles.get(f.name);
    if (!lc || lc.stage === 'archived') continue;
    if (lc.stage === 'completed') {
      out.push({ flag: f.name, squad: f.squad, reason: 'fully-rolled-out', since: lc.since });
      continue;
    }
    const last = lastSeen.get(f.name) ?? f.createdAt;
    if (now.getTime() - Date.parse(last) > days * 86_400_000)
      out.push({ flag: f.name, squad: f.squad, reason: 'unused', since: last });
  }
  return out;
}

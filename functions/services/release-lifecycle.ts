/**
 * Flags as the admin API answers them: each with `lifecycle: { stage, since }` derived from the
 * evidence (client metrics per environment, release plans; shared/release/flag-lifecycle.ts) and
 * `potentiallyStale`; `?lifecycle=potentially-stale` (or a stage) keeps only those flags.
 */
import { ValidationError } from '../../shared/model/errors';
import type { Flag } from '../../shared/model/flag';
import {
  type CleanupEntry,
  cleanupReport,
  type EvaluatedHour,
  expectedEndOf,
  LIFECYCLE_STAGES,
  type Lifecycle,
  lifecycleOf,
  potentiallyStale,
} from '../../shared/release/flag-lifecycle';
import type { Runtime } from '../runtime/composition-root';
import { protectedEnvironments } from './governance';

export type FlagWithLifecycle = Flag & {
  lifecycle: Lifecycle;
  potentiallyStale: boolean;
  /** When a flag of its type is expected to be gone (its type's lifetime from creation); null: meant to stay. */
  expectedEnd: string | null;
};

const FILTERS = ['potentially-stale', ...LIFECYCLE_STAGES];

/** Every flag's evaluated hours, one read per environment, grouped by flag. */
async function evaluatedHours(runtime: Runtime): Promise<Map<string, EvaluatedHour[]>> {
  const envs = await runtime.environments.list();
  const rows = (await Promise.all(envs.map((e) => runtime.clientMetrics.listSeen(e.name)))).flat();
  const byFlag = new Map<string, EvaluatedHour[]>();
  for (const r of rows) {
    const list = byFlag.get(r.flag);
    if (list) list.push(r);
    else byFlag.set(r.flag, [r]);
  }
  return byFlag;
}

async function annotate(
  runtime: Runtime,
  flags: readonly Flag[],
  hours: ReadonlyMap<string, readonly EvaluatedHour[]>,
): Promise<FlagWithLifecycle[]> {
  const [plans, prot] = await Promise.all([runtime.releases.listPlans(), protectedEnvironments(runtime)]);
  const now = runtime.now();
  return flags.map((flag) => {
    const lifecycle = lifecycleOf(flag, {
      metrics: hours.get(flag.name) ?? [],
      plans,
      protectedEnvironments: prot,
      channels: runtime.config.channels,
    });
    return {
      ...flag,
      lifecycle,
      potentiallyStale: potentiallyStale(flag, lifecycle, now),
      expectedEnd: expectedEndOf(flag),
    };
  });
}

/**
 * The flags with their lifecycles: the evidence is read once for all of them (one client-metrics
 * query per environment, the plans once), however many flags there are.
 */
export async function withLifecycle(
  runtime: Runtime,
  flags: readonly Flag[],
  filter?: string,
): Promise<FlagWithLifecycle[]> {
  if (filter !== undefined && !FILTERS.includes(filter))
    throw new ValidationError(`must be one of ${FILTERS.join(', ')}`, 'query.lifecycle');
  const out = await annotate(runtime, flags, await evaluatedHours(runtime));
  if (filter === undefined) return out;
  return out.filter((f) =>
    filter === 'potentially-stale' ? f.potentiallyStale : f.lifecycle.stage === filter,
  );
}

/** Flags to remove from code: fully rolled out, or not evaluated anywhere for `days` days. */
export async function cleanup(runtime: Runtime, days: number): Promise<CleanupEntry[]> {
  const [flags, hours] = await Promise.all([runtime.flags.list(), evaluatedHours(runtime)]);
  const annotated = await annotate(runtime, flags, hours);
  return cleanupReport(
    flags,
    new Map(annotated.map((f) => [f.name, f.lifecycle])),
    [...hours.values()].flat(),
    runtime.now(),
    days,
  );
}

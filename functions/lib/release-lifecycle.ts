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
  LIFECYCLE_STAGES,
  type Lifecycle,
  lifecycleOf,
  potentiallyStale,
} from '../../shared/release/flag-lifecycle';
import type { Runtime } from './composition-root';
import { protectedEnvironments } from './governance';

export type FlagWithLifecycle = Flag & { lifecycle: Lifecycle; potentiallyStale: boolean };

const FILTERS = ['potentially-stale', ...LIFECYCLE_STAGES];

export async function withLifecycle(
  runtime: Runtime,
  flags: readonly Flag[],
  filter?: string,
): Promise<FlagWithLifecycle[]> {
  if (filter !== undefined && !FILTERS.includes(filter))
    throw new ValidationError(`must be one of ${FILTERS.join(', ')}`, 'query.lifecycle');
  const [envs, plans, prot] = await Promise.all([
    runtime.environments.list(),
    runtime.releases.listPlans(),
    protectedEnvironments(runtime),
  ]);
  const now = runtime.now();
  const out = await Promise.all(
    flags.map(async (flag) => {
      const metrics = (
        await Promise.all(envs.map((e) => runtime.clientMetrics.listByFlag(e.name, flag.name)))
      ).flat();
      const lifecycle = lifecycleOf(flag, {
        metrics,
        plans,
        protectedEnvironments: prot,
        channels: runtime.config.channels,
      });
      return { ...flag, lifecycle, potentiallyStale: potentiallyStale(flag, lifecycle, now) };
    }),
  );
  if (filter === undefined) return out;
  return out.filter((f) =>
    filter === 'potentially-stale' ? f.potentiallyStale : f.lifecycle.stage === filter,
  );
}

/** Flags to remove from code: fully rolled out, or not evaluated anywhere for `days` days. */
export async function cleanup(runtime: Runtime, days: number): Promise<CleanupEntry[]> {
  const flags = await runtime.flags.list();
  const envs = await runtime.environments.list();
  const annotated = await withLifecycle(runtime, flags);
  const metrics = (
    await Promise.all(flags.flatMap((f) => envs.map((e) => runtime.clientMetrics.listByFlag(e.name, f.name))))
  ).flat();
  return cleanupReport(
    flags,
    new Map(annotated.map((f) => [f.name, f.lifecycle])),
    metrics,
    runtime.now(),
    days,
  );
}

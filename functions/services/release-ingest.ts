/**
 * The platform's side of ingestion for release plans: the exposures it derives for units a serving
 * plan's rollout splits (from accepted metric events), and the impact metrics it files from client
 * metrics. Kept apart from the scheduler so the client and events functions bundle only this.
 */
import type { PreparedEvent } from '../../shared/experiments/ingest-plan';
import { type ImpactTarget, impactCells, impactMetricsSchema } from '../../shared/release/impact-metrics';
import type { ReleasePlan } from '../../shared/release/release-plan';
import { milestoneKey, releaseExposures, servingPlans } from '../../shared/release/release-safeguards';
import { validationErrorFrom } from '../http/http-handler';
import type { Runtime } from '../runtime/composition-root';

/** Plans read for ingestion, per instance for the served-document cache period. */
let cachedPlans: { at: number; plans: ReleasePlan[]; runtime: Runtime } | undefined;

async function livePlans(runtime: Runtime): Promise<ReleasePlan[]> {
  const now = Date.now();
  if (cachedPlans && cachedPlans.runtime === runtime && now - cachedPlans.at < runtime.config.configCacheMs)
    return cachedPlans.plans;
  const plans = servingPlans(await runtime.releases.listPlans());
  cachedPlans = { at: now, plans, runtime };
  return plans;
}

/** The exposures the platform adds for accepted metric events of units a serving plan splits. */
export async function releaseExposuresFor(
  runtime: Runtime,
  environment: string,
  events: readonly unknown[],
  accepted: readonly PreparedEvent[],
): Promise<PreparedEvent[]> {
  if (accepted.length === 0) return [];
  const plans = (await livePlans(runtime)).filter((p) => p.environment === environment);
  if (plans.length === 0) return [];
  return releaseExposures(plans, events, new Set(accepted.map((e) => e.id)), environment);
}

/**
 * Files a client-metrics batch's `impactMetrics` (Unleash's contract) for the plans serving the
 * environment. A malformed list is a 400 naming the field and nothing is written.
 */
export async function recordImpactMetrics(
  runtime: Runtime,
  environment: string,
  batch: string,
  channel: string,
  raw: unknown,
): Promise<number> {
  if (raw === undefined) return 0;
  const parsed = impactMetricsSchema.safeParse(raw);
  if (!parsed.success) throw validationErrorFrom(parsed.error, 'impactMetrics');
  const targets: ImpactTarget[] = (await livePlans(runtime))
    .filter((p) => p.environment === environment)
    .map((p) => ({ flag: p.flag, milestone: milestoneKey(p) }));
  if (targets.length === 0) return 0;
  const cells = impactCells(parsed.data, targets, channel, runtime.config.channels);
  if (cells.length > 0) await runtime.releases.recordImpact(environment, batch, cells);
  return cells.length;
}

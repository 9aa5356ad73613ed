/**
 * Cumulative results over time: the experiment as it stood at the end of each day of its events,
 * for the console's cumulative-lift chart. Reads variants × channels × days × shards items, never
 * the events themselves.
 */
import { buildResults } from '../../shared/experiments/results';
import { addVectors, type StatsVector } from '../../shared/experiments/unit-state';
import { NotFoundError, ValidationError } from '../../shared/model/errors';
import { json, type RouteHandlers } from '../http/api-types';
import type { EXPERIMENT_HISTORY_ROUTES } from '../routes/experiment-history-routes';
import type { Runtime } from '../runtime/composition-root';

export interface HistoryPoint {
  /** The end of the day (UTC) the results stood at. */
  at: string;
  metric: string;
  variant: string;
  units: number;
  relative: { estimate: number; ciLower: number; ciUpper: number };
}

type HistoryRoutes = Pick<
  typeof EXPERIMENT_HISTORY_ROUTES,
  'GET /api/admin/experiments/{key}/results/history'
>;

export function experimentHistoryRoutes(runtime: Runtime): RouteHandlers<HistoryRoutes> {
  return {
    'GET /api/admin/experiments/{key}/results/history': async (req) => {
      const experiment = await runtime.experiments.get(req.params.key);
      if (!experiment) throw new NotFoundError(`no experiment ${req.params.key}`);
      const channel = req.query.channel;
      if (channel !== undefined && !experiment.channels.includes(channel)) {
        throw new ValidationError(`the experiment does not run on ${channel}`, 'channel');
      }
      const [catalogue, days] = await Promise.all([
        runtime.metrics.list(),
        runtime.events.readDailyCells(experiment.key),
      ]);
      const cumulative = new Map<string, StatsVector>();
      const points: HistoryPoint[] = [];
      for (const [day, cells] of days) {
        addVectors(cumulative, cells);
        const results = buildResults({
          experiment,
          catalogue,
          cells: cumulative,
          ...(channel ? { channel } : {}),
        });
        for (const metric of results.metrics) {
          if (metric.role === 'guardrail') continue;
          for (const c of metric.comparisons) {
            points.push({
              at: `${day}T23:59:59.999Z`,
              metric: metric.key,
              variant: c.variant,
              units: metric.variants.find((v) => v.variant === c.variant)?.units ?? 0,
              relative: {
                estimate: c.relative.estimate,
                ciLower: c.relative.ciLower,
                ciUpper: c.relative.ciUpper,
              },
            });
          }
        }
      }
      return json(200, { points });
    },
  };
}

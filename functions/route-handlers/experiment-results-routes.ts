/**
 * The read-only analysis of experiments, served by the experiment-history function: an experiment's
 * results (statistics, verdict and its explanation, the decision's projection, with backfilled
 * metrics over the live cells) and a metric's planning power (the minimum detectable effect, from an
 * earlier experiment's variance when one measured it). They read statistic cells, never write.
 */

import { planReport } from '../../shared/experiments/analysis-plan';
import { historicalBaseline, planFigures } from '../../shared/experiments/planning';
import { withRawEventMetrics } from '../../shared/experiments/quantile-results';
import { buildResults } from '../../shared/experiments/results';
import { NotFoundError, ValidationError } from '../../shared/model/errors';
import { experimentMetrics } from '../../shared/model/experiment';
import {
  channelView,
  daysRunning,
  explainVerdict,
  projectDecision,
} from '../../shared/presentation/results-presentation';
import type { Baseline } from '../../shared/stats/power';
import { json, type RouteHandlers } from '../http/api-types';
import type { EXPERIMENT_HISTORY_ROUTES } from '../routes/experiment-history-routes';
import type { Runtime } from '../runtime/composition-root';
import { metricPowerQuerySchema } from '../schemas/planning-schemas';
import { cellsWithBackfill } from '../services/backfill-routes';

type ResultsRoutes = Pick<
  typeof EXPERIMENT_HISTORY_ROUTES,
  'GET /api/admin/experiments/{key}/results' | 'GET /api/admin/metrics/{key}/power'
>;

export function experimentResultsRoutes(runtime: Runtime): RouteHandlers<ResultsRoutes> {
  return {
    'GET /api/admin/experiments/{key}/results': async (req) => {
      const experiment = await runtime.experiments.get(req.params.key);
      if (!experiment) throw new NotFoundError(`no experiment ${req.params.key}`);
      const channel = req.query.channel;
      if (channel !== undefined && !experiment.channels.includes(channel)) {
        throw new ValidationError(
          `the experiment does not run on ${channel} (${experiment.channels.join(', ')})`,
          'channel',
        );
      }
      const [catalogue, cells, assignmentMismatch] = await Promise.all([
        runtime.metrics.list(),
        runtime.events.readCells(experiment.key),
        runtime.events.readAssignmentMismatches(experiment.key),
      ]);
      // Metrics backfilled from the raw events read their stored cells; quantiles their reports.
      const backfilled = await cellsWithBackfill(runtime, experiment.key, cells);
      const results = withRawEventMetrics(
        buildResults({
          experiment,
          catalogue,
          cells: backfilled.cells,
          assignmentMismatch,
          ...(channel ? { channel } : {}),
        }),
        catalogue,
        backfilled,
      );
      return json(200, {
        ...results,
        // Fixed at the start; any later change shows here, with when and by whom.
        analysisPlan: planReport(experiment),
        // The verdict's reasons as codes with parameters, which each client renders in its language.
        explanation: explainVerdict(results),
        channelExplanations: results.channelVerdicts.map((v) => {
          const view = channelView(results, v.channel);
          return { channel: v.channel, parts: view ? explainVerdict(view) : [] };
        }),
        // While it keeps running: about how many more days until the decision, per treatment.
        projection: projectDecision(results, daysRunning(experiment.startedAt, runtime.now().getTime())),
      });
    },

    'GET /api/admin/metrics/{key}/power': async (req) => {
      const metric = await runtime.metrics.get(req.params.key);
      if (!metric) throw new NotFoundError(`no metric ${req.params.key}`);
      const q = metricPowerQuerySchema.parse(req.query);
      // The most recent experiment that measured the metric on enough units gives its variance.
      const earlier = (await runtime.experiments.list())
        .filter((e) => e.startedAt && e.variants.length > 0 && experimentMetrics(e).includes(metric.key))
        .sort((a, b) => (String(b.startedAt) < String(a.startedAt) ? -1 : 1))
        .slice(0, 5);
      let history: { experiment: string; units: number; baseline: Baseline } | null = null;
      for (const e of earlier) {
        const found = historicalBaseline(
          metric,
          e.key,
          e.variants[0].name,
          await runtime.events.readCells(e.key),
        );
        if (found) {
          history = { experiment: e.key, ...found };
          break;
        }
      }
      let baseline: Baseline | null = history?.baseline ?? null;
      if (!baseline && metric.kind === 'conversion' && q.baselineRate !== undefined)
        baseline = { kind: 'conversion', rate: q.baselineRate };
      if (
        !baseline &&
        metric.kind !== 'conversion' &&
        q.baselineMean !== undefined &&
        q.baselineSd !== undefined
      )
        baseline = { kind: 'mean', mean: q.baselineMean, variance: q.baselineSd ** 2 };
      if (!baseline) {
        throw new ValidationError(
          metric.kind === 'conversion'
            ? `no earlier experiment measured ${metric.key}: give baselineRate`
            : `no earlier experiment measured ${metric.key}: give baselineMean and baselineSd`,
          metric.kind === 'conversion' ? 'baselineRate' : 'baselineMean',
        );
      }
      const figures = planFigures({
        baseline,
        dailyUnits: q.dailyUnits,
        days: q.days,
        variants: q.variants ?? 2,
        alpha: q.alpha ?? 0.05,
        sequential: q.sequential ?? false,
        ...(q.power !== undefined ? { power: q.power } : {}),
      });
      return json(200, {
        metric: metric.key,
        baseline,
        source: history
          ? { kind: 'history', experiment: history.experiment, units: history.units }
          : { kind: 'given' },
        dailyUnits: q.dailyUnits,
        days: q.days,
        test: q.sequential ? 'sequential' : 'fixed-horizon',
        ...figures,
      });
    },
  };
}

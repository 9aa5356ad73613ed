/**
 * `GET /api/admin/data-quality?environment=&from=&to=`: per channel and received day, the events
 * received, accepted, stored raw, duplicates, late and rejected by reason, computed from the raw
 * event store (DuckDB over the local lake, Athena on AWS; shared/experiments/data-quality.ts).
 * A function of its own, so only it has the lake's read rights and the query engine's.
 */
import { NotFoundError, ValidationError } from '../../shared/model/errors';
import { json, type RouteHandlers } from '../http/api-types';
import type { DATA_QUALITY_ROUTES } from '../routes/data-quality-routes';
import type { Runtime } from '../runtime/composition-root';
import { runDataQuality } from '../services/data-quality';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest span one report covers: a quarter. */
export const MAX_REPORT_DAYS = 93;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function parseDay(text: string, field: string): number {
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms) || dayOf(ms) !== text) throw new ValidationError('is not a calendar day', field);
  return ms;
}

export function dataQualityRoutes(runtime: Runtime): RouteHandlers<typeof DATA_QUALITY_ROUTES> {
  return {
    'GET /api/admin/data-quality': async (req) => {
      const { environment, from, to } = req.query;
      const toMs = to ? parseDay(to, 'query.to') : Date.parse(`${dayOf(runtime.now().getTime())}T00:00:00Z`);
      const fromMs = from ? parseDay(from, 'query.from') : toMs - 6 * DAY_MS;
      if (fromMs > toMs) throw new ValidationError('is after query.to', 'query.from');
      if ((toMs - fromMs) / DAY_MS + 1 > MAX_REPORT_DAYS)
        throw new ValidationError(`spans more than ${MAX_REPORT_DAYS} days`, 'query.from');
      // A report on an environment that does not exist would be an empty report that looks clean.
      if (!(await runtime.environments.get(environment)))
        throw new ValidationError('is not an environment', 'query.environment');
      if (!runtime.rawEvents)
        throw new NotFoundError(
          'no raw event store is configured (OMNILAB_STATE_DIR locally, the lake on AWS)',
        );
      const report = await runDataQuality(runtime.rawEvents.location(), runtime.config.region, {
        environment,
        from: dayOf(fromMs),
        to: dayOf(toMs),
        lateAfterHours: runtime.config.lateAfterHours,
      });
      return json(200, report);
    },
  };
}

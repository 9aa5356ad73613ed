/**
 * The read-only analysis of experiments (results, their history, a metric's planning power) is the
 * experiment-history function's, and the statistics engine behind it reaches no governed admin bundle:
 * checked on the deployed bundles' inputs (esbuild's metafile, the options CDK uses).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BundleSize, bundleFunction } from '../../bench/bundle-functions';
import { ROUTES, routeKey } from '../../functions/routes/routes';
import { functionBundling } from '../../infra/function-bundling';
import { lambdaFunctions } from '../../infra/lambda-functions';

const ANALYSIS_ROUTES = [
  'GET /api/admin/experiments/{key}/results',
  'GET /api/admin/experiments/{key}/results/history',
  'GET /api/admin/metrics/{key}/power',
];

/** What computes and presents results and plans, beyond what a backfill's quantiles need. */
const RESULTS_ENGINE = [
  'functions/route-handlers/experiment-results-routes.ts',
  'shared/experiments/results.ts',
  'shared/experiments/verdict.ts',
  'shared/experiments/quantile-results.ts',
  'shared/experiments/planning.ts',
  'shared/presentation/results-presentation.ts',
  'shared/stats/power.ts',
];

const GOVERNED_ADMIN = ['admin-experiments', 'admin-governance'];
const bundles = new Map<string, BundleSize>();

beforeAll(async () => {
  const names = [...GOVERNED_ADMIN, 'experiment-history'];
  const specs = lambdaFunctions().filter((f) => names.includes(f.name));
  const out = join(process.cwd(), 'test-artifacts', 'analysis-bundles');
  for (const b of await Promise.all(specs.map((s) => bundleFunction(s, out, functionBundling()))))
    bundles.set(b.name, b);
}, 60_000);

function engineIn(name: string): string[] {
  const inputs = bundles.get(name)?.inputs.map((i) => i.path) ?? [];
  return RESULTS_ENGINE.filter((file) => inputs.includes(file));
}

describe('the analysis routes', () => {
  it('are the experiment-history function’s, read-only, for admin readers', () => {
    const byKey = new Map(ROUTES.map((r) => [routeKey(r), r]));
    for (const key of ANALYSIS_ROUTES) {
      expect(byKey.get(key)?.function, key).toBe('experiment-history');
      expect(byKey.get(key)?.access, key).toBe('admin-read');
    }
    const served = ROUTES.filter((r) => r.function === 'experiment-history').map(routeKey);
    expect(served.sort()).toEqual([...ANALYSIS_ROUTES].sort());
  });

  it('bring the statistics engine to experiment-history only, not to a governed admin bundle', () => {
    expect(engineIn('experiment-history')).toEqual(RESULTS_ENGINE);
    for (const name of GOVERNED_ADMIN) expect(engineIn(name), name).toEqual([]);
  });
});

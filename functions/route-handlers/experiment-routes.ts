/**
 * Experiments and the metric catalogue, their reads and governed writes. Writing an experiment also
 * writes the flags it drives (its own and its layer slot), in the same transaction, so every Unleash
 * SDK sees it at once. Results and planning power are experiment-results-routes.ts (another function).
 */

import type { AnalysisPlan } from '../../shared/experiments/analysis-plan';
import { nextPlanHistory } from '../../shared/experiments/analysis-plan';
import { rolloutPlanProblem } from '../../shared/governance/change-request';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/model/errors';
import type { Experiment } from '../../shared/model/experiment';
import { personOf } from '../../shared/model/person';
import { mayMoveOwner, mayWriteForSquad } from '../../shared/rights/ownership';
import type { StoredExperiment, StoredMetric } from '../../shared/store/experiment-store';
import { json, type RouteHandlers } from '../http/api-types';
import type { ADMIN_EXPERIMENTS_ROUTES } from '../routes/admin-experiments-routes';
import type { Runtime } from '../runtime/composition-root';
import {
  auditEntry,
  requireChannels,
  requireEnvironment,
  requireOwner,
  requireRight,
  requireVersion,
} from '../services/admin-support';
import { backfillRoutes } from '../services/backfill-routes';
import { writeExperiment } from '../services/experiment-writes';
import { gate, proposePlan } from '../services/governance';
import { changesNothing, unchanged } from '../services/unchanged-write';

function planHistoryField(existing: StoredExperiment | null, next: AnalysisPlan, by: string, at: string) {
  const changes = nextPlanHistory(existing, next, by, at);
  return changes.length > 0 ? { analysisPlanChanges: changes } : {};
}

function requireSameKey(path: string, body: string, field: string): void {
  if (path !== body) throw new ValidationError(`must equal the key in the path (${path})`, field);
}

/** Version given ⇔ the resource exists: a create that finds one, or an update that finds none, is refused. */
function checkVersion(existing: { version: number } | null, given: number | undefined, what: string): void {
  if (existing && given === undefined)
    throw new ConflictError(`${what} exists: send the version you read to change it`, 'ALREADY_EXISTS');
  if (!existing && given !== undefined)
    throw new NotFoundError(`no ${what} to change: leave out version to create it`);
  if (existing && given !== undefined) requireVersion(existing.version, given, what);
}

export function experimentRoutes(runtime: Runtime): RouteHandlers<typeof ADMIN_EXPERIMENTS_ROUTES> {
  async function requireExperiment(key: string): Promise<StoredExperiment> {
    const e = await runtime.experiments.get(key);
    if (!e) throw new NotFoundError(`no experiment ${key}`);
    return e;
  }

  async function checkMetrics(e: Experiment): Promise<void> {
    const known = new Set((await runtime.metrics.list()).map((m) => m.key));
    const check = (key: string, field: string) => {
      if (!known.has(key)) throw new ValidationError(`"${key}" is not in the metric catalogue`, field);
    };
    check(e.primaryMetric, 'primaryMetric');
    for (const [i, m] of e.secondaryMetrics.entries()) check(m, `secondaryMetrics[${i}]`);
    for (const [i, g] of e.guardrails.entries()) check(g.metric, `guardrails[${i}].metric`);
  }

  return {
    ...backfillRoutes(runtime),
    'GET /api/admin/experiments': async () => json(200, { experiments: await runtime.experiments.list() }),

    'GET /api/admin/experiments/{key}': async (req) => json(200, await requireExperiment(req.params.key)),

    'PUT /api/admin/experiments/{key}': async (req) => {
      const { version, ...body } = req.body;
      requireSameKey(req.params.key, body.key, 'key');
      const existing = await runtime.experiments.get(body.key);
      checkVersion(existing, version, `experiment ${body.key}`);
      requireOwner(req.principal, existing?.squad ?? body.squad, `experiment ${body.key}`);
      if (existing) requireRight(mayMoveOwner(req.principal, existing.squad, body.squad, 'an experiment'));
      requireRight(mayWriteForSquad(req.principal, body.squad, 'experiments', 'write'));
      await requireEnvironment(runtime, body.environment);
      requireChannels(runtime, Object.fromEntries(body.channels.map((c) => [c, true])), 'channels');
      await checkMetrics(body as Experiment);
      const now = runtime.now().toISOString();
      const goesLive = body.status !== 'draft' && (!existing || existing.status === 'draft');
      const stops =
        (body.status === 'stopped' || body.status === 'shipped') && existing?.status === 'running';
      const next: StoredExperiment = {
        ...(body as Experiment),
        startedAt: body.startedAt ?? existing?.startedAt ?? (goesLive ? now : undefined),
        stoppedAt: body.stoppedAt ?? (stops ? now : existing?.stoppedAt),
        haltedChannels: existing?.haltedChannels ?? [],
        // Only once the plan changed after the start: an untouched experiment reads as before.
        ...planHistoryField(existing, body as Experiment, personOf(req.principal), now),
        version: (existing?.version ?? 0) + 1,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      if (existing && changesNothing(existing, next)) return unchanged(existing);
      await writeExperiment(runtime, req.principal, next, existing);
      return json(existing ? 200 : 201, next);
    },

    'POST /api/admin/experiments/{key}/resume': async (req) => {
      const { channels, version } = req.body;
      const existing = await requireExperiment(req.params.key);
      requireOwner(req.principal, existing.squad, `experiment ${existing.key}`);
      requireVersion(existing.version, version, `experiment ${existing.key}`);
      for (const [i, c] of channels.entries()) {
        if (!existing.haltedChannels.includes(c))
          throw new ValidationError(`${c} is not halted on experiment ${existing.key}`, `channels[${i}]`);
      }
      // A guardrail tripped there: the effect names the resumed channels, which always take a second person.
      const next: StoredExperiment = {
        ...existing,
        haltedChannels: existing.haltedChannels.filter((c) => !channels.includes(c)),
        version: existing.version + 1,
        updatedAt: runtime.now().toISOString(),
      };
      await writeExperiment(runtime, req.principal, next, existing, { action: 'experiment.resumed' });
      return json(200, next);
    },

    'POST /api/admin/experiments/{key}/rollout-plan': async (req) => {
      const { steps } = req.body;
      const existing = await requireExperiment(req.params.key);
      requireOwner(req.principal, existing.squad, `experiment ${existing.key}`);
      const problem = rolloutPlanProblem(steps);
      if (problem) throw new ValidationError(problem.message, problem.field);
      if (Date.parse(steps[0].at) <= runtime.now().getTime())
        throw new ValidationError('must be in the future', 'steps[0].at');
      // The plan's effect is that of its last step; each step is governed again at its time.
      const last = steps[steps.length - 1];
      await writeExperiment(
        runtime,
        req.principal,
        {
          ...existing,
          trafficPercent: last.percent,
          version: existing.version + 1,
          updatedAt: runtime.now().toISOString(),
        },
        existing,
        { action: 'experiment.rollout-step' },
      );
      proposePlan(runtime, {
        title: `roll experiment ${existing.key} out: ${steps.map((s) => `${s.percent}% at ${s.at}`).join(', ')}`,
        target: { type: 'experiment', id: existing.key },
        environments: [],
        squad: existing.squad,
        steps: steps.map((s) => ({ percent: s.percent, at: new Date(s.at).toISOString() })),
      });
      return json(202, {});
    },

    'GET /api/admin/metrics': async () => json(200, { metrics: await runtime.metrics.list() }),

    'PUT /api/admin/metrics/{key}': async (req) => {
      const { version, ...body } = req.body;
      requireSameKey(req.params.key, body.key, 'key');
      const existing = await runtime.metrics.get(body.key);
      checkVersion(existing, version, `metric ${body.key}`);
      // Owned by a squad: only it, or a platform admin, changes it; only a platform admin moves it.
      const squad =
        body.squad ?? existing?.squad ?? (req.principal.role === 'squad' ? req.principal.squad : undefined);
      if (existing) requireOwner(req.principal, existing.squad, `metric ${body.key}`);
      else if (req.principal.role === 'squad') requireOwner(req.principal, squad, `metric ${body.key}`);
      if (existing) requireRight(mayMoveOwner(req.principal, existing.squad, squad, 'a metric'));
      if (existing && existing.kind !== body.kind) {
        // Stored statistics were kept for the old kind; a new kind would misread them.
        throw new ValidationError(
          `cannot change from ${existing.kind}: create a metric with a new key`,
          'kind',
        );
      }
      if (body.kind === 'ratio') {
        const known = new Set((await runtime.metrics.list()).map((m) => m.key));
        for (const field of ['numerator', 'denominator'] as const) {
          if (!known.has(body[field] ?? ''))
            throw new ValidationError(`"${body[field]}" is not in the metric catalogue`, field);
        }
      }
      const now = runtime.now().toISOString();
      const next: StoredMetric = {
        ...(body as StoredMetric),
        ...(squad ? { squad } : {}),
        version: (existing?.version ?? 0) + 1,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      if (existing && changesNothing(existing, next)) return unchanged(existing);
      // Its squad approves a held change (one a running experiment in a protected environment reads).
      if (squad)
        await gate(runtime, req, {
          title: `${existing ? 'change' : 'create'} metric ${next.key}`,
          target: { type: 'metric', id: next.key },
          environments: [],
          squad,
        });
      await runtime.metrics.write(next, existing ? existing.version : null, [
        auditEntry(runtime, req.principal, {
          action: existing ? 'metric.updated' : 'metric.created',
          target: { type: 'metric', id: next.key },
          environments: [],
          before: existing,
          after: next,
        }),
      ]);
      return json(existing ? 200 : 201, next);
    },
  };
}

/**
 * Experiments and the metric catalogue. Writing an experiment also writes the flags it drives
 * (its own and its layer slot), in the same transaction, so every Unleash SDK sees it at once.
 */
import { experimentFlags } from '../../shared/experiments/experiment-flags';
import { buildResults } from '../../shared/experiments/results';
import type { AuditEntry } from '../../shared/model/audit';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/model/errors';
import type { Experiment } from '../../shared/model/experiment';
import type { ExperimentParsed, MetricInput } from '../../shared/model/experiment-schema';
import type { Flag } from '../../shared/model/flag';
import type { Principal } from '../../shared/model/token';
import type { StoredExperiment, StoredMetric } from '../../shared/store/experiment-store';
import type { FlagWrite } from '../../shared/store/flag-store';
import {
  auditEntry,
  httpDeps,
  requireChannels,
  requireEnvironment,
  requireOwner,
  requireVersion,
} from '../lib/admin-support';
import { json } from '../lib/api-types';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler } from '../lib/http-handler';

type ExperimentPut = ExperimentParsed & { version?: number };
type MetricPut = MetricInput & { version?: number };

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

export function createAdminExperimentsHandler(runtime: Runtime) {
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

  /** The experiment's flags merged into what is stored: other environments stay as they are. */
  async function flagWrites(e: StoredExperiment, all: StoredExperiment[], now: string): Promise<FlagWrite[]> {
    const mates = e.layer ? all.filter((m) => m.layer === e.layer && m.key !== e.key).concat(e) : [e];
    const desired = experimentFlags(e, {
      layerMates: mates,
      haltedChannels: e.haltedChannels,
      allChannels: runtime.config.channels,
      now,
    });
    const writes: FlagWrite[] = [];
    for (const flag of desired) {
      const stored = await runtime.flags.get(flag.name);
      if (stored && !stored.tags.some((t) => t === 'experiment' || t === 'experiment-layer')) {
        throw new ConflictError(
          `a flag named ${flag.name} exists and is not an experiment's: pick another key`,
          'ALREADY_EXISTS',
        );
      }
      const merged: Flag = stored
        ? {
            ...stored,
            ...flag,
            environments: { ...stored.environments, ...flag.environments },
            createdAt: stored.createdAt,
            version: stored.version + 1,
          }
        : { ...flag, version: 1 };
      writes.push({ flag: merged, expectedVersion: stored ? stored.version : null });
    }
    return writes;
  }

  function flagAudit(
    principal: Principal,
    writes: FlagWrite[],
    before: Map<string, Flag | null>,
    env: string,
  ): AuditEntry[] {
    return writes.map((w) =>
      auditEntry(runtime, principal, {
        action: w.expectedVersion === null ? 'flag.created' : 'flag.updated',
        target: { type: 'flag', id: w.flag.name },
        environments: [env],
        before: before.get(w.flag.name) ?? null,
        after: w.flag,
      }),
    );
  }

  return createHttpHandler(httpDeps(runtime), {
    'GET /api/admin/experiments': async () => json(200, { experiments: await runtime.experiments.list() }),

    'GET /api/admin/experiments/{key}': async (req) => json(200, await requireExperiment(req.params.key)),

    'PUT /api/admin/experiments/{key}': async (req) => {
      const { version, ...body } = req.body as ExperimentPut;
      requireSameKey(req.params.key, body.key, 'key');
      const existing = await runtime.experiments.get(body.key);
      checkVersion(existing, version, `experiment ${body.key}`);
      requireOwner(req.principal, existing?.squad ?? body.squad, `experiment ${body.key}`);
      if (existing && body.squad !== existing.squad && req.principal.role !== 'platform-admin') {
        throw new ForbiddenError('only a platform admin moves an experiment to another squad');
      }
      if (req.principal.role === 'squad' && req.principal.squad !== body.squad) {
        throw new ForbiddenError(
          `${req.principal.name} may only write experiments of squad ${req.principal.squad}`,
        );
      }
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
        version: (existing?.version ?? 0) + 1,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      const all = await runtime.experiments.list();
      const writes = await flagWrites(next, all, now);
      const before = new Map(
        await Promise.all(
          writes.map(async (w) => [w.flag.name, await runtime.flags.get(w.flag.name)] as const),
        ),
      );
      const audit = [
        auditEntry(runtime, req.principal, {
          action: existing ? 'experiment.updated' : 'experiment.created',
          target: { type: 'experiment', id: next.key },
          environments: [next.environment],
          before: existing,
          after: next,
        }),
        ...flagAudit(req.principal, writes, before, next.environment),
      ];
      await runtime.experiments.write(next, existing ? existing.version : null, writes, audit);
      return json(existing ? 200 : 201, next);
    },

    'GET /api/admin/experiments/{key}/results': async (req) => {
      const experiment = await requireExperiment(req.params.key);
      const channel = req.query.channel;
      if (channel !== undefined && !experiment.channels.includes(channel)) {
        throw new ValidationError(
          `the experiment does not run on ${channel} (${experiment.channels.join(', ')})`,
          'channel',
        );
      }
      const [catalogue, cells] = await Promise.all([
        runtime.metrics.list(),
        runtime.events.readCells(experiment.key),
      ]);
      return json(200, buildResults({ experiment, catalogue, cells, ...(channel ? { channel } : {}) }));
    },

    'GET /api/admin/metrics': async () => json(200, { metrics: await runtime.metrics.list() }),

    'PUT /api/admin/metrics/{key}': async (req) => {
      const { version, ...body } = req.body as MetricPut;
      requireSameKey(req.params.key, body.key, 'key');
      const existing = await runtime.metrics.get(body.key);
      checkVersion(existing, version, `metric ${body.key}`);
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
        version: (existing?.version ?? 0) + 1,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
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
  });
}

export const handler = createAdminExperimentsHandler(getRuntime());

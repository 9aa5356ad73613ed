/**
 * A staged runtime: what every admin route runs against, for one request. Reads go to the stores
 * once per item (and see what the route staged so far); writes are recorded as proposed item writes
 * with the versions they expect, and nothing reaches DynamoDB. Only the governed commit (functions/http/governed-handler.ts) and
 * the scheduler hold the real stores, so a route cannot write around governance.
 */
import type { ProposedOp, ProposedPlan } from '../../shared/governance/proposed-change';
import type { Environment } from '../../shared/model/environment';
import { ConflictError } from '../../shared/model/errors';
import type { Flag, SegmentDefinition } from '../../shared/model/flag';
import type { ChangeRequestStore, NotificationStore } from '../../shared/store/change-request-store';
import type { DefinitionStore } from '../../shared/store/definition-store';
import type { EnvironmentStore } from '../../shared/store/environment-store';
import type {
  ExperimentStore,
  MetricStore,
  StoredExperiment,
  StoredMetric,
} from '../../shared/store/experiment-store';
import type { FlagStore, FlagWrite } from '../../shared/store/flag-store';
import type { SegmentStore } from '../../shared/store/segment-store';
import type { TokenStore } from '../../shared/store/token-store';
import type { Runtime } from '../runtime/composition-root';
import type { GovernedChange } from './governance';

/** What a route says about its change beyond the writes themselves: what it hands `gate`. */
export type Declaration = GovernedChange;

export interface Staging {
  ops: ProposedOp[];
  declarations: Declaration[];
  plan?: ProposedPlan;
  /** Merged into the 202 when the change is held (e.g. a minted token's secret). */
  heldExtras: Record<string, unknown>;
}

export type StagedRuntime = Runtime & { staging: Staging };

export function isStaged(runtime: Runtime): runtime is StagedRuntime {
  return 'staging' in runtime && (runtime as StagedRuntime).staging !== undefined;
}

function refuse(what: string): never {
  throw new Error(`${what}: routes propose changes; only the governed commit writes them`);
}

function versionCheck(current: { version: number } | null, expected: number | null, what: string) {
  if (expected === null ? current !== null : current?.version !== expected)
    throw new ConflictError(`${what} changed since it was read: read it again and retry`);
}

/**
 * The first answer of `read`, kept for the staged runtime's one request (a failed read is not
 * kept), each caller given its own copy: what a route does to what it read never shows in a read
 * after it.
 */
function remembered<T>(read: () => Promise<T>): () => Promise<T> {
  let kept: Promise<T> | undefined;
  return async () => {
    if (!kept) {
      const pending = read();
      kept = pending;
      pending.catch(() => {
        if (kept === pending) kept = undefined;
      });
    }
    return structuredClone(await kept);
  };
}

/**
 * A map overlay over a store's reads: staged items win, a staged null hides a stored one. What it
 * read from the store it remembers, so the route's read of an item and its write's version check
 * cost one read: a staged runtime lives for one request, so nothing is served stale across
 * requests, and the commit does not rely on it (its writes are conditioned on the versions read,
 * and a writer in between gets a ConflictError, 409).
 */
function overlay<K, V>(get: (k: K) => Promise<V | null>, list: () => Promise<V[]>, keyOf: (v: V) => K) {
  const staged = new Map<K, V>();
  const reads = new Map<K, () => Promise<V | null>>();
  const listed = remembered(list);
  return {
    staged,
    async get(k: K): Promise<V | null> {
      if (staged.has(k)) return staged.get(k) ?? null;
      let read = reads.get(k);
      if (!read) {
        read = remembered(() => get(k));
        reads.set(k, read);
      }
      return read();
    },
    async list(): Promise<V[]> {
      const stored = (await listed()).filter((v) => !staged.has(keyOf(v)));
      return [...stored, ...staged.values()];
    },
  };
}

/** The runtime a route runs against for one request. */
export function stage(runtime: Runtime): StagedRuntime {
  const staging: Staging = { ops: [], declarations: [], heldExtras: {} };
  const real = runtime;

  const flagView = overlay<string, Flag>(
    (n) => real.flags.get(n),
    () => real.flags.list(),
    (f) => f.name,
  );
  const checkFlags = async (writes: FlagWrite[]) => {
    // An import writes many flags: one read of them all instead of one per flag.
    const all = writes.length > 4 ? new Map((await flagView.list()).map((f) => [f.name, f])) : undefined;
    for (const w of writes) {
      const current = all ? (all.get(w.flag.name) ?? null) : await flagView.get(w.flag.name);
      versionCheck(current, w.expectedVersion, `flag ${w.flag.name}`);
    }
  };
  const flags: FlagStore = {
    ...real.flags,
    get: flagView.get,
    list: flagView.list,
    async write(writes, audit) {
      await checkFlags(writes);
      staging.ops.push({ type: 'flags', writes, audit });
      for (const w of writes) flagView.staged.set(w.flag.name, w.flag);
    },
  };

  const segmentView = overlay<number, SegmentDefinition>(
    (id) => real.segments.get(id),
    () => real.segments.list(),
    (s) => s.id,
  );
  const segments: SegmentStore = {
    ...real.segments,
    get: segmentView.get,
    list: segmentView.list,
    async write(writes, audit) {
      for (const w of writes)
        versionCheck(await segmentView.get(w.segment.id), w.expectedVersion, `segment ${w.segment.id}`);
      staging.ops.push({ type: 'segments', writes, audit });
      for (const w of writes) segmentView.staged.set(w.segment.id, w.segment);
    },
  };

  const experimentView = overlay<string, StoredExperiment>(
    (k) => real.experiments.get(k),
    () => real.experiments.list(),
    (e) => e.key,
  );
  const experiments: ExperimentStore = {
    ...real.experiments,
    get: experimentView.get,
    list: experimentView.list,
    async write(experiment, expectedVersion, flagWrites, audit) {
      versionCheck(await experimentView.get(experiment.key), expectedVersion, `experiment ${experiment.key}`);
      await checkFlags(flagWrites);
      staging.ops.push({ type: 'experiment', experiment, expectedVersion, flags: flagWrites, audit });
      experimentView.staged.set(experiment.key, experiment);
      for (const w of flagWrites) flagView.staged.set(w.flag.name, w.flag);
    },
  };

  const metricView = overlay<string, StoredMetric>(
    (k) => real.metrics.get(k),
    () => real.metrics.list(),
    (m) => m.key,
  );
  const metrics: MetricStore = {
    ...real.metrics,
    get: metricView.get,
    list: metricView.list,
    async write(metric, expectedVersion, audit) {
      versionCheck(await metricView.get(metric.key), expectedVersion, `metric ${metric.key}`);
      staging.ops.push({ type: 'metric', metric, expectedVersion, audit });
      metricView.staged.set(metric.key, metric);
    },
  };

  const environmentView = overlay<string, Environment>(
    (n) => real.environments.get(n),
    () => real.environments.list(),
    (e) => e.name,
  );
  const environments: EnvironmentStore = {
    ...real.environments,
    get: environmentView.get,
    list: environmentView.list,
    async create(environment, audit) {
      versionCheck(await environmentView.get(environment.name), null, `environment ${environment.name}`);
      staging.ops.push({ type: 'environment', environment, expectedVersion: null, audit });
      environmentView.staged.set(environment.name, environment);
    },
    async update(environment, expectedVersion, audit) {
      versionCheck(
        await environmentView.get(environment.name),
        expectedVersion,
        `environment ${environment.name}`,
      );
      staging.ops.push({ type: 'environment', environment, expectedVersion, audit });
      environmentView.staged.set(environment.name, environment);
    },
    ensure: () => refuse('environments.ensure'),
  };

  const tokens: TokenStore = {
    ...real.tokens,
    async create(token, audit) {
      staging.ops.push({ type: 'token-create', token, audit });
    },
    async revoke(id, audit) {
      staging.ops.push({ type: 'token-revoke', id, audit });
    },
    seed: () => refuse('tokens.seed'),
  };

  const definitions: DefinitionStore = {
    ...real.definitions,
    async write(writes, audit) {
      staging.ops.push({ type: 'definitions', writes, audit });
    },
  };

  const changeRequests: ChangeRequestStore = {
    ...real.changeRequests,
    write: () => refuse('changeRequests.write'),
  };
  const notifications: NotificationStore = {
    ...real.notifications,
    add: () => refuse('notifications.add'),
  };

  return {
    ...real,
    flags,
    segments,
    experiments,
    metrics,
    environments,
    tokens,
    changeRequests,
    notifications,
    definitions,
    staging,
  };
}

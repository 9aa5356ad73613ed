/**
 * Writing an experiment: the experiment, the flags it drives (its own and its layer slot) and the
 * audit entries, in one transaction. The admin API, the guardrail job (halting a channel) and the
 * scheduler (rollout steps) all write experiments through here, so the flags can never disagree.
 */
import { experimentFlags, generatedFlagOwner } from '../../shared/experiments/experiment-flags';
import type { AuditEntry } from '../../shared/model/audit';
import { ConflictError } from '../../shared/model/errors';
import type { Flag } from '../../shared/model/flag';
import type { Principal } from '../../shared/model/token';
import type { StoredExperiment } from '../../shared/store/experiment-store';
import type { FlagWrite } from '../../shared/store/flag-store';
import type { Runtime } from '../runtime/composition-root';
import { auditEntry } from './admin-support';

/** The experiment's flags merged into what is stored: other environments stay as they are. */
async function flagWrites(
  runtime: Runtime,
  e: StoredExperiment,
  all: StoredExperiment[],
  now: string,
): Promise<FlagWrite[]> {
  const mates = e.layer ? all.filter((m) => m.layer === e.layer && m.key !== e.key).concat(e) : [e];
  const desired = experimentFlags(e, {
    layerMates: mates,
    haltedChannels: e.haltedChannels,
    allChannels: runtime.config.channels,
    now,
  });
  const writes: FlagWrite[] = [];
  const others = all.filter((x) => x.key !== e.key);
  for (const flag of desired) {
    const stored = await runtime.flags.get(flag.name);
    if (stored && !stored.tags.some((t) => t === 'experiment' || t === 'experiment-layer')) {
      throw new ConflictError(
        `a flag named ${flag.name} exists and is not an experiment's: pick another key`,
        'ALREADY_EXISTS',
      );
    }
    // A generated flag belongs to the experiment it was generated for: no other key (of another
    // squad or not) takes it over, however its layer and key spell the same name.
    const owner = stored ? generatedFlagOwner(flag.name, others) : undefined;
    if (owner) {
      throw new ConflictError(
        `flag ${flag.name} is generated for experiment ${owner.key} of squad ${owner.squad}: pick another key or layer`,
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

export async function writeExperiment(
  runtime: Runtime,
  principal: Principal,
  next: StoredExperiment,
  existing: StoredExperiment | null,
  options: { action?: string; extraAudit?: Omit<AuditEntry, 'id' | 'at' | 'actor'>[] } = {},
): Promise<void> {
  const now = next.updatedAt;
  const all = await runtime.experiments.list();
  const writes = await flagWrites(runtime, next, all, now);
  const before = new Map(
    await Promise.all(writes.map(async (w) => [w.flag.name, await runtime.flags.get(w.flag.name)] as const)),
  );
  const audit = [
    auditEntry(runtime, principal, {
      action: options.action ?? (existing ? 'experiment.updated' : 'experiment.created'),
      target: { type: 'experiment', id: next.key },
      environments: [next.environment],
      before: existing,
      after: next,
    }),
    ...(options.extraAudit ?? []).map((a) => auditEntry(runtime, principal, a)),
    ...writes.map((w) =>
      auditEntry(runtime, principal, {
        action: w.expectedVersion === null ? 'flag.created' : 'flag.updated',
        target: { type: 'flag', id: w.flag.name },
        environments: [next.environment],
        before: before.get(w.flag.name) ?? null,
        after: w.flag,
      }),
    ),
  ];
  await runtime.experiments.write(next, existing ? existing.version : null, writes, audit);
}

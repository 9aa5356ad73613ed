/**
 * A proposed change: the exact item writes a route would make, each against the version it read
 * (compare-and-swap), with the audit entries they carry. Routes produce it against a staged view
 * of the stores; the governed commit applies it, now or once approved. Pure: applying it to a
 * configuration state (to compute its effect) and its digest (what approvals bind to).
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../model/audit';
import type { Environment } from '../model/environment';
import type { Flag, SegmentDefinition } from '../model/flag';
import type { TokenRecord } from '../model/token';
import type { DefinitionWrite } from '../model/unleash-definitions';
import type { StoredExperiment, StoredMetric } from '../store/experiment-store';
import type { FlagWrite } from '../store/flag-store';
import type { SegmentWrite } from '../store/segment-store';
import { canonicalJson } from './audit-chain';

export type ProposedOp =
  | { type: 'flags'; writes: FlagWrite[]; audit: AuditEntry[] }
  | { type: 'segments'; writes: SegmentWrite[]; audit: AuditEntry[] }
  | {
      type: 'experiment';
      experiment: StoredExperiment;
      expectedVersion: number | null;
      flags: FlagWrite[];
      audit: AuditEntry[];
    }
  | { type: 'metric'; metric: StoredMetric; expectedVersion: number | null; audit: AuditEntry[] }
  | { type: 'environment'; environment: Environment; expectedVersion: number | null; audit: AuditEntry[] }
  | { type: 'token-create'; token: TokenRecord; audit: AuditEntry[] }
  | { type: 'token-revoke'; id: string; audit: AuditEntry[] }
  /** Context field definitions and tag types (shared/model/unleash-definitions.ts): nothing served. */
  | { type: 'definitions'; writes: DefinitionWrite[]; audit: AuditEntry[] };

/** A rollout plan: the experiment's traffic share steps, each applied (and governed) at its time. */
export interface ProposedPlan {
  experiment: string;
  steps: { percent: number; at: string }[];
}

export interface ProposedChange {
  ops: ProposedOp[];
  plan?: ProposedPlan;
}

/** Everything whose served or governed meaning a change can alter (tokens are governed apart). */
export interface ConfigState {
  flags: readonly Flag[];
  segments: readonly SegmentDefinition[];
  experiments: readonly StoredExperiment[];
  metrics: readonly StoredMetric[];
  environments: readonly Environment[];
}

/** The change as the database gives it back (undefined dropped), so its digest survives a read. */
export function normalizeChange(change: ProposedChange): ProposedChange {
  return JSON.parse(JSON.stringify(change)) as ProposedChange;
}

/** SHA-256 of the canonical JSON of the change: approvals bind to it. */
export function changeDigest(change: ProposedChange): string {
  return createHash('sha256')
    .update(canonicalJson(normalizeChange(change)))
    .digest('hex');
}

function upsert<T>(items: readonly T[], item: T, same: (a: T) => boolean): T[] {
  const out = items.filter((i) => !same(i));
  out.push(item);
  return out;
}

/** The state after the change, as if every write succeeded. */
export function applyToState(state: ConfigState, ops: readonly ProposedOp[]): ConfigState {
  let { flags, segments, experiments, metrics, environments } = state;
  const putFlags = (writes: readonly FlagWrite[]) => {
    for (const w of writes) flags = upsert(flags, w.flag, (f) => f.name === w.flag.name);
  };
  for (const op of ops) {
    switch (op.type) {
      case 'flags':
        putFlags(op.writes);
        break;
      case 'segments':
        for (const w of op.writes) segments = upsert(segments, w.segment, (s) => s.id === w.segment.id);
        break;
      case 'experiment':
        experiments = upsert(experiments, op.experiment, (e) => e.key === op.experiment.key);
        putFlags(op.flags);
        break;
      case 'metric':
        metrics = upsert(metrics, op.metric, (m) => m.key === op.metric.key);
        break;
      case 'environment':
        environments = upsert(environments, op.environment, (e) => e.name === op.environment.name);
        break;
      case 'token-create':
      case 'token-revoke':
      case 'definitions':
        break;
    }
  }
  return { flags, segments, experiments, metrics, environments };
}

/** One line per item write: what a change request applied at once keeps (the audit log has the rest). */
export function writesOf(
  ops: readonly ProposedOp[],
): { type: string; id: string; expectedVersion: number | null }[] {
  return ops.flatMap((op) => {
    switch (op.type) {
      case 'flags':
        return op.writes.map((w) => ({ type: 'flag', id: w.flag.name, expectedVersion: w.expectedVersion }));
      case 'segments':
        return op.writes.map((w) => ({
          type: 'segment',
          id: String(w.segment.id),
          expectedVersion: w.expectedVersion,
        }));
      case 'experiment':
        return [
          { type: 'experiment', id: op.experiment.key, expectedVersion: op.expectedVersion },
          ...op.flags.map((w) => ({ type: 'flag', id: w.flag.name, expectedVersion: w.expectedVersion })),
        ];
      case 'metric':
        return [{ type: 'metric', id: op.metric.key, expectedVersion: op.expectedVersion }];
      case 'environment':
        return [{ type: 'environment', id: op.environment.name, expectedVersion: op.expectedVersion }];
      case 'token-create':
        return [{ type: 'token', id: op.token.id ?? 'new', expectedVersion: null }];
      case 'definitions':
        return op.writes.map((w) => ({
          type: w.kind,
          id: w.definition.name,
          expectedVersion: w.expectedVersion,
        }));
      default:
        return [{ type: 'token', id: op.id, expectedVersion: null }];
    }
  });
}

/** Every audit entry the change carries, in order. */
export function auditOf(ops: readonly ProposedOp[]): AuditEntry[] {
  return ops.flatMap((op) => op.audit);
}

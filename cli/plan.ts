/**
 * The diff between what the YAML says and what a running platform has. Pure: the CLI fetches the
 * current state, this decides what to create and update, `apply` carries it out.
 */
import type { Flag } from '../shared/model/flag';
import type { AsCode, ExperimentAsCode, FlagAsCode, MetricAsCode } from './as-code';

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export type ResourceKind = 'metric' | 'flag' | 'experiment';

export interface Change {
  kind: ResourceKind;
  key: string;
  action: 'create' | 'update' | 'unchanged';
  fields: FieldChange[];
}

export interface CurrentState {
  metrics: Map<string, MetricAsCode & { version: number }>;
  flags: Map<string, Flag>;
  experiments: Map<string, ExperimentAsCode & { version: number }>;
  channels: readonly string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Leaf-by-leaf differences; arrays compare whole, since their order matters. */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, before, after }];
}

/** Only channels switched on are listed in YAML; every other configured channel is off. */
export function fullChannels(
  on: Record<string, boolean>,
  channels: readonly string[],
): Record<string, boolean> {
  return Object.fromEntries(channels.map((c) => [c, on[c] === true]));
}

/** The managed fields of a flag, in the same shape for the YAML side and the server side. */
export function flagView(f: FlagAsCode | Flag, channels: readonly string[]): Record<string, unknown> {
  const environments: Record<string, unknown> = {};
  for (const [env, state] of Object.entries(f.environments ?? {})) {
    environments[env] = {
      enabled: state.enabled,
      channels: fullChannels(state.channels, channels),
      strategies: state.strategies ?? [],
    };
  }
  return {
    squad: f.squad,
    description: f.description ?? '',
    type: f.type ?? 'release',
    tags: f.tags ?? [],
    impressionData: f.impressionData ?? false,
    dependencies: f.dependencies ?? [],
    variants: f.variants ?? [],
    environments,
  };
}

/** Fields the platform keeps for itself; start and stop times count only where the YAML sets them. */
function withoutServerFields<T extends object>(
  x: T,
  desired: Record<string, unknown>,
): Record<string, unknown> {
  const {
    version: _v,
    createdAt: _c,
    updatedAt: _u,
    haltedChannels: _h,
    ...rest
  } = x as Record<string, unknown>;
  for (const field of ['startedAt', 'stoppedAt']) if (!(field in desired)) delete rest[field];
  return rest;
}

function change(kind: ResourceKind, key: string, current: unknown, desired: Record<string, unknown>): Change {
  if (current === undefined) return { kind, key, action: 'create', fields: [] };
  const fields = diffValues(current, desired);
  return { kind, key, action: fields.length > 0 ? 'update' : 'unchanged', fields };
}

export function planChanges(desired: AsCode, current: CurrentState): Change[] {
  const changes: Change[] = [];
  for (const m of desired.metrics) {
    const now = current.metrics.get(m.key);
    changes.push(change('metric', m.key, now && withoutServerFields(now, m), { ...m }));
  }
  for (const f of desired.flags) {
    const now = current.flags.get(f.name);
    const desiredView = flagView(f, current.channels);
    // Environments the YAML does not mention are not managed by it.
    const nowView = now && flagView(now, current.channels);
    if (nowView) {
      const envs = nowView.environments as Record<string, unknown>;
      nowView.environments = Object.fromEntries(
        Object.keys(desiredView.environments as object).map((e) => [e, envs[e]]),
      );
    }
    changes.push(change('flag', f.name, nowView, desiredView));
  }
  for (const e of desired.experiments) {
    const now = current.experiments.get(e.key);
    changes.push(change('experiment', e.key, now && withoutServerFields(now, e), { ...e }));
  }
  return changes;
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function formatPlan(changes: readonly Change[], color = false): string {
  const paint = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  for (const c of changes) {
    if (c.action === 'create') lines.push(paint(32, `+ create ${c.kind} ${c.key}`));
    if (c.action === 'update') {
      lines.push(paint(33, `~ update ${c.kind} ${c.key}`));
      for (const f of c.fields) lines.push(`    ${f.path}: ${show(f.before)} → ${show(f.after)}`);
    }
  }
  const count = (a: Change['action']) => changes.filter((c) => c.action === a).length;
  lines.push(
    `Plan: ${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged.`,
  );
  return lines.join('\n');
}

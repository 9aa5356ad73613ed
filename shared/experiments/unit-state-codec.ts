/** A unit's state as stored: JSON, with exact totals written as decimal strings. */
import type { MetricTotals, UnitExperimentState, UnitState } from './unit-state';

type StoredTotals = Record<string, [string, number]>;

interface StoredEntry {
  v: string;
  c: string;
  at: number;
  x: string;
  pre: StoredTotals;
  post: StoredTotals;
}

function encodeTotals(t: Record<string, MetricTotals>): StoredTotals {
  const out: StoredTotals = {};
  for (const [k, v] of Object.entries(t)) out[k] = [v.sum.toString(), v.events];
  return out;
}

function decodeTotals(t: StoredTotals): Record<string, MetricTotals> {
  const out: Record<string, MetricTotals> = {};
  for (const [k, [sum, events]] of Object.entries(t)) out[k] = { sum: BigInt(sum), events };
  return out;
}

export function encodeUnitState(state: UnitState): string {
  const out: Record<string, StoredEntry> = {};
  for (const [key, e] of Object.entries(state.experiments)) {
    out[key] = {
      v: e.variant,
      c: e.channel,
      at: e.exposedAt,
      x: e.exposureId,
      pre: encodeTotals(e.pre),
      post: encodeTotals(e.post),
    };
  }
  return JSON.stringify(out);
}

export function decodeUnitState(text: string): UnitState {
  const stored = JSON.parse(text) as Record<string, StoredEntry>;
  const experiments: Record<string, UnitExperimentState> = {};
  for (const [key, e] of Object.entries(stored)) {
    experiments[key] = {
      variant: e.v,
      channel: e.c,
      exposedAt: e.at,
      exposureId: e.x,
      pre: decodeTotals(e.pre),
      post: decodeTotals(e.post),
    };
  }
  return { experiments };
}

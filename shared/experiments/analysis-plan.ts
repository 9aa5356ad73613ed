/**
 * An experiment's analysis plan: the metrics it is judged by and how (alpha, sequential testing,
 * CUPED). It is fixed when the experiment starts: a later change is held for approval where the
 * experiment runs in a protected environment (its effect is a definition running experiments
 * depend on), and every change after the start is kept, so the results say that the plan
 * changed, when and by whom. Pure.
 */
import { canonicalJson } from '../governance/audit-chain';
import type { Experiment } from '../model/experiment';

export type AnalysisPlan = Pick<Experiment, 'primaryMetric' | 'secondaryMetrics' | 'guardrails' | 'analysis'>;

export interface AnalysisPlanChange {
  /** ISO time the change was proposed. */
  at: string;
  /** The person who proposed it (its approver, in a protected environment, is on the change request). */
  by: string;
  before: AnalysisPlan;
  after: AnalysisPlan;
}

export function analysisPlanOf(e: AnalysisPlan): AnalysisPlan {
  return {
    primaryMetric: e.primaryMetric,
    secondaryMetrics: [...e.secondaryMetrics],
    guardrails: e.guardrails.map((g) => ({ ...g })),
    analysis: { ...e.analysis },
  };
}

export function samePlan(a: AnalysisPlan, b: AnalysisPlan): boolean {
  return canonicalJson(analysisPlanOf(a)) === canonicalJson(analysisPlanOf(b));
}

/**
 * The history after a write: unchanged before the start or when the plan is the same, one change
 * more otherwise.
 */
export function nextPlanHistory(
  existing: (Experiment & { analysisPlanChanges?: AnalysisPlanChange[] }) | null,
  next: AnalysisPlan,
  by: string,
  at: string,
): AnalysisPlanChange[] {
  const history = existing?.analysisPlanChanges ?? [];
  if (!existing?.startedAt || samePlan(existing, next)) return history;
  return [...history, { at, by, before: analysisPlanOf(existing), after: analysisPlanOf(next) }];
}

/** What the results say about the plan: when it was fixed, what it is, and every later change. */
export function planReport(e: Experiment & { analysisPlanChanges?: AnalysisPlanChange[] }) {
  const changes = e.analysisPlanChanges ?? [];
  return {
    fixedAt: e.startedAt ?? null,
    current: analysisPlanOf(e),
    changedAfterStart: changes.length > 0,
    changes,
  };
}

/** The storage port release plans use: templates, plans (each write compare-and-swap on its version, with its audit entries) and impact metric cells. */
import type { AuditEntry } from '../model/audit';
import type { ImpactCell } from './impact-metrics';
import type { ReleasePlan } from './release-plan';
import type { ReleaseTemplate } from './release-template';

export interface ReleaseStore {
  getTemplate(id: string): Promise<ReleaseTemplate | null>;
  listTemplates(): Promise<ReleaseTemplate[]>;
  /** expectedVersion null: the template must be new. */
  writeTemplate(
    template: ReleaseTemplate,
    expectedVersion: number | null,
    audit: AuditEntry[],
  ): Promise<void>;
  getPlan(flag: string, environment: string): Promise<ReleasePlan | null>;
  listPlans(): Promise<ReleasePlan[]>;
  writePlan(plan: ReleasePlan, expectedVersion: number | null, audit: AuditEntry[]): Promise<void>;
  /** Adds a metrics batch's impact cells once: a batch id already counted adds nothing. */
  recordImpact(environment: string, batch: string, cells: readonly ImpactCell[]): Promise<void>;
  readImpact(environment: string, flag: string): Promise<ImpactCell[]>;
  /**
   * Records that the flag's potentially-stale notice for `period` went out: true when this call
   * recorded it (send the notice), false when that period (or a later one) was recorded already.
   */
  markStaleNotice(flag: string, period: number, at: string): Promise<boolean>;
  /** The last period each flag's potentially-stale notice went out for, in one read. */
  staleNotices(): Promise<Map<string, number>>;
}

/**
 * One audit entry per change: who, when, what, and what changed (a diff; the two whole states too
 * while they are small, functions/stores/dynamo-support.ts). `sequence`, `previousHash` and
 * `hash` chain every entry to the one before (shared/governance/audit-chain.ts), so a removed or
 * edited entry shows; the store sets them when the entry commits.
 */
import type { AuditChange } from '../governance/audit-diff';

export type AuditTargetType =
  | 'flag'
  | 'segment'
  | 'environment'
  | 'token'
  | 'experiment'
  | 'metric'
  | 'change-request'
  | 'context-field'
  | 'tag-type';

export interface AuditEntry {
  id: string;
  /** ISO 8601 time of the change. */
  at: string;
  /** The acting token's principal name. */
  actor: string;
  /** e.g. `flag.created`, `flag.channel-toggled`, `environment.imported`. */
  action: string;
  target: { type: AuditTargetType; id: string };
  /** The environments the change affects; the log is listed per environment by these. */
  environments: string[];
  /** Whole states: kept beside `diff` while small, left out (`statesOmitted`) once large. */
  before: unknown;
  after: unknown;
  /** What changed, path by path (shared/governance/audit-diff.ts); set by the store on write. */
  diff?: AuditChange[];
  /** True when the entry was too large to keep both whole states: `diff` alone says what changed. */
  statesOmitted?: true;
  /** For a change made through an approved change request: its id (the approvers are on it). */
  changeRequest?: string;
  /** For a declared emergency (break-glass): its reason; the change request waits for review. */
  emergency?: string;
  sequence?: number;
  previousHash?: string;
  hash?: string;
  /** Set on entries read per target or environment: true when the copy is the chain's entry, unaltered. */
  verified?: boolean;
}

/**
 * One audit entry per change: who, when, what, before and after. `sequence`, `previousHash` and
 * `hash` are left for the governance issue, which chains entries so that a removed or edited entry
 * shows; the shape already carries them so stored entries need no migration then.
 */

export type AuditTargetType = 'flag' | 'segment' | 'environment' | 'token' | 'experiment' | 'metric';

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
  before: unknown;
  after: unknown;
  sequence?: number;
  previousHash?: string;
  hash?: string;
}

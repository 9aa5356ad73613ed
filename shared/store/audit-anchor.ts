/**
 * The port for the audit chain's anchor: heads kept outside the table (S3 with Object Lock on AWS, a
 * file locally).
 */
import type { ChainHead } from '../governance/audit-chain';

/**
 * Where the audit chain's head is kept outside the table, so a writer with table access cannot
 * roll the chain back (delete its last entries and reset the head) or rewrite it unnoticed: on AWS
 * an S3 bucket whose objects Object Lock keeps in compliance mode, locally a file under
 * `.omnilab/`. Heads are only ever added; the latest is the one of the highest sequence.
 */
export interface AuditAnchor {
  /** Adds a head: called after every commit that moved the chain. */
  record(head: ChainHead): Promise<void>;
  /** The anchored head of the highest sequence, or null before the first. */
  latest(): Promise<ChainHead | null>;
}

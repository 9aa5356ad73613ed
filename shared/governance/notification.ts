/** Something an operator must know now: a guardrail rolled a channel back, a scheduled change failed. */
export interface Notification {
  id: string;
  at: string;
  kind:
    | 'guardrail-halt'
    | 'rollout-stopped'
    | 'scheduled-change-failed'
    | 'kill-switch'
    /** A declared emergency applied at once; and, every scheduler run, one whose review is overdue. */
    | 'emergency-change'
    | 'emergency-review-overdue'
    /** A scheduled change or plan step reaches more than was approved: it wants approval again. */
    | 'approval-needed-again'
    /** A flag past its type's expected lifetime, neither completed nor archived: once per flag per period. */
    | 'flag-potentially-stale';
  /** One sentence a person reads in the console or an e-mail subscribed to the SNS topic. */
  message: string;
  /** The experiment, flag or change request it is about. */
  subject: string;
  details?: unknown;
}

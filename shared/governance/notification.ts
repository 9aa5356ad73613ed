/** Something an operator must know now: a guardrail rolled a channel back, a scheduled change failed. */
export interface Notification {
  id: string;
  at: string;
  kind: 'guardrail-halt' | 'rollout-stopped' | 'scheduled-change-failed' | 'kill-switch';
  /** One sentence a person reads in the console or an e-mail subscribed to the SNS topic. */
  message: string;
  /** The experiment, flag or change request it is about. */
  subject: string;
  details?: unknown;
}

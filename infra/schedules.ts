/**
 * Jobs EventBridge runs on a timer, as plain data like ROUTES: one Lambda per entry, bundled from
 * `entry` (a module exporting `handler`), its table rights in function-access.ts.
 */

export interface ScheduledJob {
  /** Stable name: the Lambda function and its log group are named after it. */
  function: string;
  /** The handler module, relative to the repository root. */
  entry: string;
  rateMinutes: number;
  /** Seconds one run may take. */
  timeoutSeconds: number;
}

export const SCHEDULES: readonly ScheduledJob[] = [
  // Guardrails that roll back per channel, due change requests and rollout-plan steps.
  {
    function: 'guardrail-check',
    entry: 'functions/handlers/guardrail-check-handler.ts',
    rateMinutes: 1,
    timeoutSeconds: 120,
  },
];

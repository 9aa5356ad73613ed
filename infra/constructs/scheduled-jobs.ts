/** EventBridge rules that run the jobs of infra/schedules.ts (the guardrail checks) on a timer. */
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { ScheduledJob } from '../schedules';
import type { FunctionFactory, OmnilabFunction } from './omnilab-function';

export interface ScheduledJobsProps {
  jobs: readonly ScheduledJob[];
  prefix: string;
  createFunction: FunctionFactory;
}

export class ScheduledJobs extends Construct {
  readonly functions = new Map<string, OmnilabFunction>();
  readonly rules = new Map<string, Rule>();

  constructor(scope: Construct, id: string, props: ScheduledJobsProps) {
    super(scope, id);
    for (const job of props.jobs) {
      const fn = props.createFunction(
        this,
        { name: job.function, entry: job.entry, kind: 'schedule' },
        { timeout: Duration.seconds(job.timeoutSeconds) },
      );
      const rule = new Rule(this, `Rule-${job.function}`, {
        ruleName: `${props.prefix}${job.function}`,
        schedule: Schedule.rate(Duration.minutes(job.rateMinutes)),
        targets: [
          new LambdaFunction(fn.fn, {
            retryAttempts: 2,
            // A check older than its period is superseded by the next run: no point delivering it late.
            maxEventAge: Duration.minutes(Math.max(1, job.rateMinutes)),
          }),
        ],
      });
      this.functions.set(job.function, fn);
      this.rules.set(job.function, rule);
    }
  }
}

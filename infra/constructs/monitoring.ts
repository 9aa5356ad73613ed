/**
 * Alarms and a dashboard for a stage: every function's errors, throttles and p99 duration, the
 * API's 5xx answers and p99 latency, the tables' throttled requests and any parked stream failures,
 * all notifying one encrypted SNS topic; and the business counters the functions write as EMF
 * lines (functions/runtime/metrics.ts): events by outcome, change requests, guardrail halts, releases.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../../functions/runtime/logger';
import { type BusinessMetric, METRICS_NAMESPACE } from '../../functions/runtime/metrics';
import type { StageConfig } from '../stages';
import type { OmnilabFunction } from './omnilab-function';

export interface MonitoringProps {
  prefix: string;
  stage: StageConfig;
  functions: readonly OmnilabFunction[];
  api: HttpApi;
  tables: ReadonlyMap<string, Table>;
  failureQueues: ReadonlyMap<string, Queue>;
  alertEmails: readonly string[];
}

const FIVE_MINUTES = Duration.minutes(5);

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    // CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key: it needs a key
    // whose policy lets it in.
    const key = new Key(this, 'AlertsKey', {
      description: `omnilab ${props.stage.name}: encrypts the alerts topic`,
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    this.topic = new Topic(this, 'Alerts', {
      topicName: `${props.prefix}alerts`,
      displayName: `omnilab ${props.stage.name} alerts`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.alertEmails) this.topic.addSubscription(new EmailSubscription(email));
    const action = new SnsAction(this.topic);

    const alarm = (name: string, metric: IMetric, threshold: number, description: string, periods = 1) => {
      const a = new Alarm(this, `Alarm-${name}`, {
        alarmName: `${props.prefix}${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No traffic is no problem: an idle stage stays green.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    const p99 = props.stage.p99LatencyAlarm.toMilliseconds();
    for (const f of props.functions) {
      const name = f.spec.name;
      alarm(
        `${name}-errors`,
        f.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        `${name} failed an invocation (a crash or a timeout; answered errors show as API 5xx).`,
      );
      alarm(
        `${name}-throttles`,
        f.fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        `${name} was throttled: the account's concurrency is exhausted.`,
      );
      alarm(
        `${name}-p99-duration`,
        f.fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
        p99,
        `${name} p99 duration at or above ${p99} ms for 15 minutes.`,
        3,
      );
    }
    alarm(
      'api-5xx',
      props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      props.stage.serverErrorAlarm,
      `The API answered ${props.stage.serverErrorAlarm} or more 5xx in 5 minutes.`,
    );
    alarm(
      'api-p99-latency',
      props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
      p99,
      `The API's p99 latency at or above ${p99} ms for 15 minutes.`,
      3,
    );
    for (const [id, table] of props.tables) {
      alarm(
        `table-${id}-throttles`,
        // Two table-wide metrics rather than ThrottledRequests per operation: an alarm is billed per
        // metric it reads.
        new MathExpression({
          expression: 'reads + writes',
          usingMetrics: {
            reads: table.metric('ReadThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
            writes: table.metric('WriteThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
          },
          period: FIVE_MINUTES,
        }),
        1,
        `Requests to the ${id} table were throttled (an on-demand table doubling its peak too fast).`,
      );
    }
    for (const [name, queue] of props.failureQueues) {
      alarm(
        `${name}-stream-failures`,
        queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        1,
        `${name} gave up on stream records: they wait in ${queue.node.id} for a replay.`,
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${props.prefix}overview`,
      defaultInterval: Duration.hours(3),
    });
    const graph = (title: string, left: IMetric[], width = 8) => new GraphWidget({ title, left, width });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# omnilab ${props.stage.name}\nAlarms notify the SNS topic \`${props.prefix}alerts\`.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
    this.dashboard.addWidgets(
      graph('API requests', [props.api.metricCount({ period: FIVE_MINUTES })]),
      graph('API 4xx / 5xx', [
        props.api.metricClientError({ period: FIVE_MINUTES }),
        props.api.metricServerError({ period: FIVE_MINUTES }),
      ]),
      graph('API latency p50 / p99', [
        props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p50' }),
        props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
      ]),
    );
    const each = (m: (f: OmnilabFunction) => IMetric) => props.functions.map(m);
    this.dashboard.addWidgets(
      graph(
        'Invocations',
        each((f) => f.fn.metricInvocations({ period: FIVE_MINUTES, label: f.spec.name })),
      ),
      graph(
        'Errors and throttles',
        each((f) => f.fn.metricErrors({ period: FIVE_MINUTES, label: `${f.spec.name} errors` })).concat(
          each((f) => f.fn.metricThrottles({ period: FIVE_MINUTES, label: `${f.spec.name} throttles` })),
        ),
      ),
      graph(
        'Duration p99',
        each((f) => f.fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: f.spec.name })),
      ),
    );
    // The functions' own counters: `deployment` is the table prefix they run with (OMNILAB_TABLE_PREFIX).
    const business = (metricName: BusinessMetric, label: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME, deployment: props.prefix },
        statistic: 'Sum',
        period: FIVE_MINUTES,
        label,
      });
    this.dashboard.addWidgets(
      graph('Events by outcome', [
        business('EventsAccepted', 'accepted'),
        business('EventsDuplicate', 'duplicate'),
        business('EventsStored', 'stored raw only'),
        business('EventsRejected', 'rejected'),
      ]),
      graph('Change requests', [
        business('ChangeRequestsOpened', 'opened'),
        business('ChangeRequestsApproved', 'approved'),
        business('ChangeRequestsApplied', 'applied'),
      ]),
      graph('Guardrail halts and releases', [
        business('GuardrailHalts', 'guardrail halts'),
        business('ReleasePauses', 'release pauses'),
        business('ReleaseRollbacks', 'release roll-backs'),
      ]),
    );
    const tables = [...props.tables];
    const tableMetric = (metricName: string, table: Table, id: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: table.tableName },
        statistic: 'Sum',
        period: FIVE_MINUTES,
        label: id,
      });
    this.dashboard.addWidgets(
      graph(
        'Table read units consumed',
        tables.map(([id, t]) => tableMetric('ConsumedReadCapacityUnits', t, id)),
        12,
      ),
      graph(
        'Table write units consumed',
        tables.map(([id, t]) => tableMetric('ConsumedWriteCapacityUnits', t, id)),
        12,
      ),
    );
  }
}

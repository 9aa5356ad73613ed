/**
 * What happens after a write lands: the functions of infra/stream-consumers.ts read a table's
 * DynamoDB stream, in order per item, retrying a failing batch by halves and parking what still
 * fails in an encrypted queue (alarmed on by Monitoring) instead of blocking the shard. The events
 * ingestion route itself is an ordinary route of ROUTES, built by FlagApi.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StreamConsumer } from '../stream-consumers';
import type { FunctionFactory, OmnilabFunction } from './omnilab-function';
import type { OmnilabTables } from './omnilab-tables';

export interface EventPipelineProps {
  consumers: readonly StreamConsumer[];
  prefix: string;
  tables: OmnilabTables;
  createFunction: FunctionFactory;
}

export class EventPipeline extends Construct {
  readonly functions = new Map<string, OmnilabFunction>();
  /** Per consumer: the records it gave up on. */
  readonly failures = new Map<string, Queue>();

  constructor(scope: Construct, id: string, props: EventPipelineProps) {
    super(scope, id);
    for (const consumer of props.consumers) {
      const definition = props.tables.definition(consumer.table);
      if (!definition.stream) {
        throw new Error(
          `stream consumer ${consumer.function} reads table ${consumer.table}, which has no stream in functions/tables/tables.ts`,
        );
      }
      const fn = props.createFunction(
        this,
        { name: consumer.function, entry: consumer.entry, kind: 'stream' },
        { timeout: Duration.seconds(60) },
      );
      const failures = new Queue(this, `Failures-${consumer.function}`, {
        queueName: `${props.prefix}${consumer.function}-failures`,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(failures).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is the on-failure destination of a stream mapping, where failed records end; it holds record pointers for an operator to replay, so it has no dead-letter queue of its own.',
      });
      fn.fn.addEventSource(
        new DynamoEventSource(props.tables.table(consumer.table), {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: consumer.batchSize,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          retryAttempts: 5,
          maxRecordAge: Duration.days(1),
          onFailure: new SqsDlq(failures),
        }),
      );
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams has no resource-level permissions, so the stream mapping grant names Resource "*"; the read actions are on this table\'s stream only.',
      });
      this.functions.set(consumer.function, fn);
      this.failures.set(consumer.function, failures);
    }
  }
}

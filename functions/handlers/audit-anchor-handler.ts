/**
 * The audit table's stream consumer on AWS: each time the chain head moves, its new sequence and
 * hash go to the Object Lock bucket (functions/stores/s3-audit-anchor.ts). The functions that
 * write audit entries hold no S3 right at all; a rollback of the table shows as a chain shorter
 * than its anchored head.
 */
import middy from '@middy/core';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import type { ChainHead } from '../../shared/governance/audit-chain';
import type { AuditAnchor } from '../../shared/store/audit-anchor';
import { loadConfig, type OmnilabConfig } from '../runtime/config';
import { logger, logInvocation } from '../runtime/logger';
import { CHAIN_HEAD_KEY } from '../stores/dynamo-support';
import { createS3AuditAnchor } from '../stores/s3-audit-anchor';

type StreamResult = { batchItemFailures: { itemIdentifier: string }[] };

/** The highest chain head among the records (only the highest matters: `latest` is the maximum). */
export function chainHeadOf(event: DynamoDBStreamEvent): ChainHead | null {
  let best: ChainHead | null = null;
  for (const r of event.Records ?? []) {
    const image = r.dynamodb?.NewImage;
    if (!image || image.pk?.S !== CHAIN_HEAD_KEY.pk || image.sk?.S !== CHAIN_HEAD_KEY.sk) continue;
    const sequence = Number(image.sequence?.N);
    const hash = image.hash?.S;
    if (!Number.isInteger(sequence) || !hash) continue;
    if (!best || sequence > best.sequence) best = { sequence, hash };
  }
  return best;
}

export function createAuditAnchorHandler(anchor: AuditAnchor) {
  return async (event: DynamoDBStreamEvent): Promise<StreamResult> => {
    const head = chainHeadOf(event);
    // A failed put throws: the stream retries the batch, so no head is skipped.
    if (head) {
      await anchor.record(head);
      logger.info('audit chain head anchored', { sequence: head.sequence });
    }
    return { batchItemFailures: [] };
  };
}

/** The consumer over `config`'s bucket (it builds no runtime: the function holds only the bucket's rights). */
export function create(config: Pick<OmnilabConfig, 'auditAnchorBucket' | 'region'>) {
  let built: ReturnType<typeof createAuditAnchorHandler> | undefined;
  return middy<DynamoDBStreamEvent, StreamResult>()
    .use(logInvocation())
    .handler((event) => {
      if (!built) {
        if (!config.auditAnchorBucket) throw new Error('OMNILAB_AUDIT_ANCHOR_BUCKET is not set');
        built = createAuditAnchorHandler(
          createS3AuditAnchor({ bucket: config.auditAnchorBucket, region: config.region }),
        );
      }
      return built(event);
    });
}

let entry: ReturnType<typeof create> | undefined;

export const handler = (event: DynamoDBStreamEvent, context: Context): Promise<StreamResult> => {
  entry ??= create(loadConfig(process.env));
  return entry(event, context);
};

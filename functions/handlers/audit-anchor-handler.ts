/**
 * The audit table's stream consumer on AWS: each time the chain head moves, its new sequence and
 * hash go to the Object Lock bucket (functions/stores/s3-audit-anchor.ts). The functions that
 * write audit entries hold no S3 right at all; a rollback of the table shows as a chain shorter
 * than its anchored head.
 */
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { ChainHead } from '../../shared/governance/audit-chain';
import type { AuditAnchor } from '../../shared/store/audit-anchor';
import { loadConfig } from '../lib/config';
import { logger, logInvocation } from '../lib/logger';
import { CHAIN_HEAD_KEY } from '../stores/dynamo-support';
import { createS3AuditAnchor } from '../stores/s3-audit-anchor';

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
  return async (event: DynamoDBStreamEvent): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> => {
    const head = chainHeadOf(event);
    // A failed put throws: the stream retries the batch, so no head is skipped.
    if (head) {
      await anchor.record(head);
      logger.info('audit chain head anchored', { sequence: head.sequence });
    }
    return { batchItemFailures: [] };
  };
}

let built: ReturnType<typeof createAuditAnchorHandler> | undefined;

export const handler = middy<DynamoDBStreamEvent, { batchItemFailures: { itemIdentifier: string }[] }>()
  .use(logInvocation())
  .handler((event) => {
    if (!built) {
      const config = loadConfig(process.env);
      if (!config.auditAnchorBucket) throw new Error('OMNILAB_AUDIT_ANCHOR_BUCKET is not set');
      built = createAuditAnchorHandler(
        createS3AuditAnchor({ bucket: config.auditAnchorBucket, region: config.region }),
      );
    }
    return built(event);
  });

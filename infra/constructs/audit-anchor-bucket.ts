/**
 * The audit chain's anchor: a bucket with Object Lock in compliance mode, so an anchored chain
 * head can be neither deleted nor overwritten by anyone (the account root included) until its
 * retention ends. Versioned (Object Lock needs it), encrypted, private, TLS only, logged.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectLockRetention,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AuditAnchorBucketProps {
  /** Days each head is locked: years on retained stages, a day on throwaway ones. */
  retentionDays: number;
  /** Where S3 server access logs go. */
  logBucket: IBucket;
}

export class AuditAnchorBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: AuditAnchorBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 'audit-anchor/',
      // Locked objects cannot be deleted anyway: the bucket outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

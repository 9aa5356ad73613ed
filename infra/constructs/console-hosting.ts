/**
 * The web console: a private bucket behind CloudFront (origin access control, HTTPS only, security
 * headers). The built console (console/dist) is uploaded only when it exists at synth time; without
 * it the bucket and distribution are still created, ready for the first build's deploy.
 */
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { consoleContentSecurityPolicy } from '../../functions/http/response-headers';

/**
 * The wildcard grants of CDK's upload function, each acknowledged by name (cdk-nag 3 wants every
 * finding): the site bucket's objects and the bootstrap assets bucket's, named as cdk-nag renders
 * them (account and region appear once the stack has an environment).
 */
function uploaderWildcards(stack: Stack, site: Bucket): string[] {
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const qualifier = stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? 'hnb659fds';
  const siteId = stack.getLogicalId(site.node.defaultChild as CfnBucket);
  return [
    'Action::s3:Abort*',
    'Action::s3:DeleteObject*',
    'Action::s3:GetBucket*',
    'Action::s3:GetObject*',
    'Action::s3:List*',
    'Resource::*',
    `Resource::<${siteId}.Arn>/*`,
    `Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-${account}-${region}/*`,
  ];
}

export interface ConsoleHostingProps {
  prefix: string;
  retain: boolean;
  /** The console's build output; undefined when there is none yet. */
  distPath: string | undefined;
  /** Where the console's browser code calls the API: written to config.json, allowed by the CSP. */
  apiUrl: string;
  logRetentionDays: number;
}

export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly deployment: BucketDeployment | undefined;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.logBucket = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL; the bucket owner still owns every object.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(props.logRetentionDays) }],
      removalPolicy,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the console bucket and the distribution; logging it into itself would loop.',
    });
    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      removalPolicy,
    });
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `${props.prefix}console-security`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleContentSecurityPolicy(props.apiUrl),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `omnilab console (${props.prefix.replace(/-$/, '')})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      // The console routes in the browser: a deep link is served the app, which finds its page.
      errorResponses: [
        {
          httpStatus: 403,
          responseHttpStatus: 200,
          responsePagePath: '/index.html',
          ttl: Duration.minutes(1),
        },
        {
          httpStatus: 404,
          responseHttpStatus: 200,
          responsePagePath: '/index.html',
          ttl: Duration.minutes(1),
        },
      ],
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Bank staff open the console from offices and branches in several countries and while travelling; every call it makes needs an admin token, so a geographic block would add upkeep, not protection.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves static files only; every data request goes to the API, which authenticates each call. A WAF web ACL (from about $5 a month plus rules) can be attached by the bank if its policy asks for one.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose protocol policy CloudFront fixes; a bank attaching its domain and ACM certificate sets minimumProtocolVersion TLSv1.2_2021 with them (docs/deploy.md).',
      },
    );
    if (props.distPath) {
      this.deployment = new BucketDeployment(this, 'Deploy', {
        sources: [Source.asset(props.distPath), Source.jsonData('config.json', { apiBaseUrl: props.apiUrl })],
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
      });
      // The upload runs in CDK's own singleton function, created at the stack's root.
      const uploader = Stack.of(this).node.children.find((c) =>
        c.node.id.startsWith('Custom::CDKBucketDeployment'),
      );
      if (uploader) {
        Validations.of(uploader).acknowledge(
          {
            id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
            reason:
              "CDK's BucketDeployment function uses the basic execution policy for its own logs; it runs only during a deployment.",
          },
          ...uploaderWildcards(Stack.of(this), this.bucket).map((finding) => ({
            id: `AwsSolutions-IAM5[${finding}]`,
            reason:
              "CDK's BucketDeployment function copies the console build from the CDK assets bucket into the console bucket, replacing every object, and invalidates the distribution: object-level wildcards on those two buckets, and CloudFront invalidation, which has no resource-level permissions.",
          })),
          {
            id: 'AwsSolutions-L1',
            reason:
              "The runtime of CDK's BucketDeployment function is chosen by aws-cdk-lib and moves with its upgrades.",
          },
        );
      }
    }
  }
}

/**
 * Where alerts go: an SNS topic on AWS (operators subscribe e-mail, chat or paging to it), the log
 * locally, and always the notifications the console lists.
 */
import type { Notification } from '../../shared/governance/notification';
import type { NotificationStore } from '../../shared/store/change-request-store';
import { type AwsCall, awsRequest, type CredentialSource, credentialsFromEnv } from '../aws/aws-request';
import { errorFields, logger } from '../runtime/logger';

export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/** The one thing an alert channel must do; SNS is one implementation, a test double another. */
export interface PublishPort {
  publish(subject: string, message: string): Promise<void>;
}

export function createPublishingNotifier(port: PublishPort): Notifier {
  return {
    async notify(n) {
      // SNS subjects are at most 100 characters, ASCII, on one line.
      const subject = `omnilab ${n.kind}: ${n.subject}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
      await port.publish(subject, JSON.stringify(n, null, 2));
    },
  };
}

/** The log (functions/runtime/logger.ts); `log` takes the same fields as one JSON line instead (tests). */
export function createLogNotifier(log?: (line: string) => void): Notifier {
  return {
    async notify(n) {
      if (log)
        log(JSON.stringify({ level: 'warn', notification: n.kind, subject: n.subject, message: n.message }));
      else logger.warn(n.message, { notification: n.kind, subject: n.subject });
    },
  };
}

/** Stores every notification for the console, then hands it on; a failed hand-off is logged, not lost. */
export function createStoringNotifier(store: NotificationStore, next: Notifier): Notifier {
  return {
    async notify(n) {
      await store.add(n);
      try {
        await next.notify(n);
      } catch (e) {
        logger.error('the alert was stored but not handed on', {
          notification: n.kind,
          error: errorFields(e),
        });
      }
    },
  };
}

/** SNS refused or failed a Publish: its HTTP status and the start of its answer. */
export class SnsPublishError extends Error {
  readonly code = 'SNS_PUBLISH_FAILED';
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`SNS Publish answered ${status}: ${detail}`);
    this.name = 'SnsPublishError';
  }
}

/**
 * SNS Publish over the query protocol (form-encoded, signed by functions/aws/sigv4.ts): its SDK
 * client would bring @smithy/core into every function that alerts. `send` is the signed call
 * (tests point it at a local server).
 */
export function snsPublishPort(
  topicArn: string,
  region: string,
  credentials: CredentialSource = credentialsFromEnv(),
  send: (call: AwsCall, credentials: CredentialSource) => Promise<Response> = awsRequest,
): PublishPort {
  return {
    async publish(subject, message) {
      const body = new URLSearchParams({
        Action: 'Publish',
        Version: '2010-03-31',
        TopicArn: topicArn,
        Subject: subject,
        Message: message,
      }).toString();
      const response = await send(
        {
          service: 'sns',
          region,
          method: 'POST',
          host: `sns.${region}.amazonaws.com`,
          path: '/',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body,
        },
        credentials,
      );
      const text = await response.text();
      if (!response.ok || !text.includes('<PublishResult>'))
        throw new SnsPublishError(response.status, text.slice(0, 300));
    },
  };
}

import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
/**
 * Where alerts go: an SNS topic on AWS (operators subscribe e-mail, chat or paging to it), the log
 * locally, and always the notifications the console lists.
 */
import type { Notification } from '../../shared/governance/notification';
import type { NotificationStore } from '../../shared/store/change-request-store';
import { errorFields, logger } from './logger';

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

/** The log (functions/lib/logger.ts); `log` takes the same fields as one JSON line instead (tests). */
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

/**
 * SNS, bundled like the rest of the AWS SDK (an ESM bundle cannot rely on the runtime's copy);
 * the client is created on first use, so functions that never alert never pay for it.
 */
export function snsPublishPort(topicArn: string, region: string): PublishPort {
  let sns: SNSClient | undefined;
  return {
    async publish(subject, message) {
      sns ??= new SNSClient({ region });
      await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
    },
  };
}

// SNS alerts without the SDK: the Publish call omnilab signs and form-encodes (topic, subject, message), and a refused or malformed answer is an SnsPublishError, never taken for a delivered alert.
import { describe, expect, it } from 'vitest';
import type { AwsCall } from '../../functions/aws/aws-request';
import { SnsPublishError, snsPublishPort } from '../../functions/services/notifier';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:omnilab-alerts';
const creds = async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' });
const OK = '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>';

describe('SNS Publish over the query protocol', () => {
  it('sends Action=Publish with the topic, subject and message, signed for sns in the region', async () => {
    const calls: AwsCall[] = [];
    const port = snsPublishPort(TOPIC, 'eu-west-1', creds, async (call) => {
      calls.push(call);
      return new Response(OK, { status: 200 });
    });
    await port.publish('omnilab guardrail: loan & ATM', 'line 1\nline 2 — 中文');
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call).toMatchObject({
      service: 'sns',
      region: 'eu-west-1',
      method: 'POST',
      host: 'sns.eu-west-1.amazonaws.com',
      path: '/',
    });
    expect(call.headers?.['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(call.body);
    expect(Object.fromEntries(form)).toEqual({
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: TOPIC,
      Subject: 'omnilab guardrail: loan & ATM',
      Message: 'line 1\nline 2 — 中文',
    });
  });

  it('throws SnsPublishError with the status on a refusal, and on a 200 that is not a PublishResult', async () => {
    const refused = snsPublishPort(
      TOPIC,
      'eu-west-1',
      creds,
      async () =>
        new Response('<ErrorResponse><Error><Code>AuthorizationError</Code></Error></ErrorResponse>', {
          status: 403,
        }),
    );
    const e = await refused.publish('s', 'm').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SnsPublishError);
    expect((e as SnsPublishError).status).toBe(403);
    expect((e as SnsPublishError).message).toContain('AuthorizationError');
    const odd = snsPublishPort(
      TOPIC,
      'eu-west-1',
      creds,
      async () => new Response('<html>proxy</html>', { status: 200 }),
    );
    await expect(odd.publish('s', 'm')).rejects.toBeInstanceOf(SnsPublishError);
  });
});

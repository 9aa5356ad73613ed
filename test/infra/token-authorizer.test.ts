/** The Lambda authorizer: a token is let through exactly when its hash is in the tokens table. */
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createTokenAuthorizer } from '../../functions/services/token-authorizer';
import { hashToken } from '../../functions/services/tokens';
import type { TokenRecord } from '../../shared/model/token';

const SECRET = 'client:development.0123456789abcdef';
const RECORD: TokenRecord = {
  hash: hashToken(SECRET),
  name: 'mobile-app',
  kind: 'client',
  environment: 'development',
  createdAt: '2025-01-01T00:00:00.000Z',
};

function event(authorization?: string): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:api/$default/GET/api/client/features',
    identitySource: authorization === undefined ? [] : [authorization],
    routeKey: 'GET /api/client/features',
    rawPath: '/api/client/features',
    rawQueryString: '',
    headers: authorization === undefined ? {} : { authorization },
  } as unknown as APIGatewayRequestAuthorizerEventV2;
}

const store = (records: TokenRecord[]) => {
  const looked: string[] = [];
  return {
    looked,
    get: async (hash: string) => {
      looked.push(hash);
      return records.find((r) => r.hash === hash) ?? null;
    },
  };
};

describe('the token authorizer', () => {
  it('lets a known token through, by its hash, with who it is as context', async () => {
    const tokens = store([RECORD]);
    const result = await createTokenAuthorizer(tokens)(event(SECRET));
    expect(result).toEqual({
      isAuthorized: true,
      context: { name: 'mobile-app', kind: 'client', environment: 'development' },
    });
    expect(tokens.looked).toEqual([RECORD.hash]);
  });

  it('accepts the Bearer form OFREP providers send', async () => {
    const result = await createTokenAuthorizer(store([RECORD]))(event(`Bearer ${SECRET}`));
    expect(result.isAuthorized).toBe(true);
  });

  it('refuses an unknown or revoked token, and a missing one without a lookup', async () => {
    const tokens = store([RECORD]);
    const authorize = createTokenAuthorizer(tokens);
    expect(await authorize(event(`${SECRET}x`))).toEqual({ isAuthorized: false });
    expect(await authorize(event(''))).toEqual({ isAuthorized: false });
    expect(await authorize(event())).toEqual({ isAuthorized: false });
    expect(tokens.looked).toHaveLength(1);
  });

  it('fails rather than denies when the table cannot be read, so no denial is cached', async () => {
    const authorize = createTokenAuthorizer({
      get: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    });
    await expect(authorize(event(SECRET))).rejects.toThrow('ProvisionedThroughput');
  });
});

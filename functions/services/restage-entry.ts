/**
 * A governed function's Lambda `handler`: it answers API Gateway v2 events through its HTTP stack
 * and admin-governance's restage invocations (./restage-protocol.ts) through `restageRoute`, told
 * apart strictly by shape; any other event is refused.
 */
import type { Context } from 'aws-lambda';
import type { Event, Result } from '../http/middlewares/middleware-types';
import type { RestageAnswer } from './restage-protocol';
import { looksLikeApiGatewayV2, looksLikeRestage } from './restage-protocol';

export class UnknownEventError extends Error {
  readonly code = 'UNKNOWN_EVENT';
}

function isApiGatewayEvent(event: unknown): event is Event {
  return looksLikeApiGatewayV2(event);
}

export function withRestage(
  http: (event: Event, context: Context) => Promise<Result>,
  restage: (event: unknown) => Promise<RestageAnswer>,
) {
  return (event: unknown, context: Context): Promise<Result | RestageAnswer> => {
    if (isApiGatewayEvent(event)) return http(event, context);
    if (looksLikeRestage(event)) return restage(event);
    return Promise.reject(
      new UnknownEventError('refused: neither an API Gateway v2 event nor a restage invocation'),
    );
  };
}

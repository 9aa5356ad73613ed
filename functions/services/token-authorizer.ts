/**
 * The HTTP API's Lambda authorizer: a request reaches a function only with a token the tokens table
 * knows (by the peppered hash of its secret, functions/services/tokens.ts; the pepper is a Secrets
 * Manager secret only the functions that authenticate may read). API Gateway caches the answer per Authorization header, so a polling
 * SDK costs one lookup per cache period. Rights per route stay in the function's own middleware
 * (functions/http/http-handler.ts), which checks the token again: revoking a token takes effect
 * there within its token cache, whatever the gateway has cached.
 */
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { TokenStore } from '../../shared/store/token-store';
import { hashToken, tokenFromAuthorization } from './tokens';

/** What the function behind the route (and the access log) can read as `authorizer.lambda`. */
export interface TokenAuthorizerContext {
  name: string;
  kind: string;
  environment?: string;
  role?: string;
  squad?: string;
}

export interface TokenAuthorizerResult {
  isAuthorized: boolean;
  context?: TokenAuthorizerContext;
}

function headerOf(event: APIGatewayRequestAuthorizerEventV2): string | undefined {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === 'authorization') return v;
  return event.identitySource?.[0];
}

export function createTokenAuthorizer(tokens: Pick<TokenStore, 'get'>) {
  // A store failure throws (API Gateway answers 500 and caches nothing) rather than denying: a
  // database hiccup must not be cached as "this token is invalid" for every SDK using it.
  return async (event: APIGatewayRequestAuthorizerEventV2): Promise<TokenAuthorizerResult> => {
    const secret = tokenFromAuthorization(headerOf(event));
    if (!secret) return { isAuthorized: false };
    const token = await tokens.get(hashToken(secret));
    if (!token) return { isAuthorized: false };
    const context: TokenAuthorizerContext = { name: token.name, kind: token.kind };
    if (token.environment) context.environment = token.environment;
    if (token.role) context.role = token.role;
    if (token.squad) context.squad = token.squad;
    return { isAuthorized: true, context };
  };
}

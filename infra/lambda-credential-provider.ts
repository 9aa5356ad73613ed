/**
 * The credential provider every Lambda bundle gets in place of @aws-sdk/credential-provider-node
 * (an esbuild alias, infra/function-bundling.ts): on Lambda the role's credentials are always in the
 * environment, so the SSO, INI, process, web-identity and container/IMDS links of the default chain
 * (and the STS and SSO clients they bring) are never used and stay out of the bundle.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export const credentialsWillNeedRefresh = (credentials: AwsCredentialIdentity | undefined): boolean =>
  credentials?.expiration !== undefined;

export const credentialsTreatedAsExpired = (credentials: AwsCredentialIdentity | undefined): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;

/** Same signature as the SDK's defaultProvider; Lambda's environment credentials, or a clear error. */
export function defaultProvider(init: Parameters<typeof fromEnv>[0] = {}): AwsCredentialIdentityProvider {
  return fromEnv(init);
}

/**
 * The DynamoDB clients an operator's script runs with (bootstrap, token re-keying): on AWS the
 * operator's own credentials from the SDK's provider chain (profile, SSO, environment), which a
 * laptop has and a Lambda bundle never carries; against DynamoDB Local, the fixed local ones.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { CredentialSource } from '../functions/aws/aws-request';
import { createDynamoClients, type DynamoClients } from '../functions/runtime/composition-root';
import type { OmnilabConfig } from '../functions/runtime/config';

/** The SDK's node provider chain, as a CredentialSource (it caches and refreshes on its own). */
export function operatorCredentials(): CredentialSource {
  const chain = defaultProvider();
  return async () => {
    const c = await chain();
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
    };
  };
}

export function operatorClients(config: Pick<OmnilabConfig, 'dynamodbEndpoint' | 'region'>): DynamoClients {
  return createDynamoClients(config, config.dynamodbEndpoint ? undefined : operatorCredentials());
}

/** The Lambda entry of the token authorizer (infra/lambda-functions.ts), wired to the tokens table. */
import { awsCredentials, createDynamoClients } from '../../functions/lib/composition-root';
import { loadConfig } from '../../functions/lib/config';
import { createPepperSource } from '../../functions/lib/tokens';
import { createDynamoTokenStore } from '../../functions/stores/dynamo-token-store';
import { tableNames } from '../tables';
import { createTokenAuthorizer } from './token-authorizer';

function fromEnvironment() {
  const config = loadConfig();
  const { client, doc } = createDynamoClients(config);
  return createTokenAuthorizer(
    createDynamoTokenStore(
      doc,
      tableNames(config.tablePrefix),
      createPepperSource(config, awsCredentials(client)),
    ),
  );
}

export const handler = fromEnvironment();

/** The Lambda entry of the token authorizer (infra/lambda-functions.ts), wired to the tokens table. */

import { awsCredentials, createDynamoClients } from '../runtime/composition-root';
import { loadConfig, type OmnilabConfig } from '../runtime/config';
import { createTokenAuthorizer } from '../services/token-authorizer';
import { createPepperSource } from '../services/tokens';
import { createDynamoTokenStore } from '../stores/dynamo-token-store';
import { tableNames } from '../tables/tables';

/** Only the tokens table: the authorizer's bundle carries no other store, no logger, no runtime. */
export function create(config: OmnilabConfig) {
  const { client, doc } = createDynamoClients(config);
  return createTokenAuthorizer(
    createDynamoTokenStore(
      doc,
      tableNames(config.tablePrefix),
      createPepperSource(config, awsCredentials(client)),
    ),
  );
}

export const handler = create(loadConfig(process.env));

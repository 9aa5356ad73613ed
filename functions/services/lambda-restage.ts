/**
 * The restage port on AWS (./restage-protocol.ts): the owning function invoked through Lambda's
 * Invoke API (functions/aws/lambda-invoke.ts), by the deployed name CDK gives admin-governance in
 * OMNILAB_RESTAGE_FUNCTIONS. An answer that is not a restage answer is a 503 like a failed call.
 */
import { ServiceUnavailableError } from '../../shared/model/errors';
import type { CredentialSource } from '../aws/aws-request';
import { invokeLambda } from '../aws/lambda-invoke';
import type { OmnilabConfig } from '../runtime/config';
import { type RestagePort, readRestageAnswer, restageEvent } from './restage-protocol';

export function createLambdaRestage(
  config: Pick<OmnilabConfig, 'region' | 'lambdaEndpoint' | 'restageFunctions'>,
  credentials: CredentialSource,
): RestagePort {
  const options = { region: config.region, endpoint: config.lambdaEndpoint, credentials };
  return async (functionName, request) => {
    const deployed = config.restageFunctions[functionName];
    if (!deployed)
      throw new ServiceUnavailableError(
        `this deployment names no function ${functionName} (OMNILAB_RESTAGE_FUNCTIONS): nothing to restage with`,
      );
    const raw = await invokeLambda(options, deployed, restageEvent(request));
    const answer = readRestageAnswer(raw);
    if (!answer)
      throw new ServiceUnavailableError(`function ${functionName} gave no restage answer: try again`);
    return answer;
  };
}

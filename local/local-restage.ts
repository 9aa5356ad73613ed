/**
 * The restage port in-process (functions/services/restage-protocol.ts), for `npm start`, the test
 * platform and in-process tests: a change request's edit calls the owning function's entry's
 * `restage` over the same runtime, with the message as JSON both ways, as Lambda's Invoke carries it.
 */
import { restage as environments } from '../functions/handlers/admin-environments-handler';
import { restage as experiments } from '../functions/handlers/admin-experiments-handler';
import { restage as flags } from '../functions/handlers/admin-flags-handler';
import { restage as releases } from '../functions/handlers/admin-releases-handler';
import { restage as segments } from '../functions/handlers/admin-segments-handler';
import { restage as tokens } from '../functions/handlers/admin-tokens-handler';
import type { Runtime } from '../functions/runtime/composition-root';
import {
  type RestageAnswer,
  type RestageRequest,
  readRestageAnswer,
  restageEvent,
} from '../functions/services/restage-protocol';
import type { RestageOwner } from '../functions/services/route-owners';

const ENTRIES: Record<RestageOwner, (runtime: Runtime, event: unknown) => Promise<RestageAnswer>> = {
  'admin-flags': flags,
  'admin-segments': segments,
  'admin-experiments': experiments,
  'admin-environments': environments,
  'admin-tokens': tokens,
  'admin-releases': releases,
};

function isOwner(name: string): name is RestageOwner {
  return Object.hasOwn(ENTRIES, name);
}

async function restageInProcess(runtime: Runtime, functionName: string, request: RestageRequest) {
  if (!isOwner(functionName)) throw new Error(`no governed function ${functionName} to restage in`);
  const event: unknown = JSON.parse(JSON.stringify(restageEvent(request)));
  const raw: unknown = JSON.parse(JSON.stringify(await ENTRIES[functionName](runtime, event)));
  const answer = readRestageAnswer(raw);
  if (!answer) throw new Error(`${functionName} gave no restage answer`);
  return answer;
}

/** `base` with its restage port calling the owning entries in this process, over the runtime returned. */
export function withLocalRestage(base: Runtime): Runtime {
  const runtime: Runtime = {
    ...base,
    restage: (functionName: string, request: RestageRequest) =>
      restageInProcess(runtime, functionName, request),
  };
  return runtime;
}

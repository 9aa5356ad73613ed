/**
 * The configuration an operator's script runs with against a deployed stage (bootstrap, token
 * re-keying): the stage's tables and its token pepper secret, read with the operator's own AWS
 * credentials.
 */
import { loadConfig, type OmnilabConfig } from '../functions/runtime/config';
import { STAGES, type StageName, stagePrefix } from './stages';

export function operatorConfig(stageArg: string | undefined, region: string | undefined): OmnilabConfig {
  const stage = stageArg ?? 'dev';
  if (!(stage in STAGES)) throw new Error(`--stage must be one of ${Object.keys(STAGES).join(', ')}`);
  const prefix = stagePrefix(stage as StageName);
  return loadConfig({
    ...process.env,
    OMNILAB_TABLE_PREFIX: prefix,
    // The stack's pepper secret, by its name: tokens are keyed with it (functions/services/tokens.ts).
    OMNILAB_TOKEN_PEPPER_SECRET_ARN: process.env.OMNILAB_TOKEN_PEPPER_SECRET_ARN ?? `${prefix}token-pepper`,
    ...(region ? { AWS_REGION: region } : {}),
  });
}

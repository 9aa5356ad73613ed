/**
 * `@omnilab/sdk`, the main entry: `createClient`, `memoryStorage` and the public types. Adapters,
 * OpenFeature providers and add-ons are entries of their own, so this one stays small.
 */
export { createClient, type OmnilabClient, type OmnilabClientInternals } from './create-client';
export { memoryStorage } from './memory-storage';
export type {
  ClientFeaturesDocument,
  ClientOptions,
  ClientStats,
  ConfigSource,
  ConfigStream,
  FetchInit,
  FetchLike,
  FetchResponse,
  Payload,
  SdkContext,
  SdkError,
  SdkErrorCode,
  StorageLike,
  StreamTarget,
  Variant,
} from './types';

export { createClient, type OmnilabClient, type OmnilabClientInternals } from './create-client';
export { memoryStorage } from './memory-storage';
export type {
  ClientFeaturesDocument,
  ClientOptions,
  ClientStats,
  ConfigSource,
  FetchInit,
  FetchLike,
  FetchResponse,
  Payload,
  SdkContext,
  SdkError,
  SdkErrorCode,
  StorageLike,
  Variant,
} from './types';

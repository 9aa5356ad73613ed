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

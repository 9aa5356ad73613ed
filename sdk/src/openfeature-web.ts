/** `@omnilab/sdk/openfeature-web`: the SDK client as an OpenFeature provider for `@openfeature/web-sdk`. */
import {
  type EvaluationContext,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/web-sdk';
import { type ClientOptions, createClient, type OmnilabClient, type OmnilabClientInternals } from './index';
import { resolveFlag, toSdkContext } from './openfeature-resolution';

/**
 * omnilab for `@openfeature/web-sdk`: flags are evaluated in process by the SDK client, so
 * resolution costs what `isEnabled` costs, and `client.track()` becomes an omnilab metric event.
 */
export class OmnilabProvider implements Provider {
  readonly metadata = { name: 'omnilab' } as const;
  readonly runsOn = 'client' as const;
  readonly events = new OpenFeatureEventEmitter();
  readonly client: OmnilabClient;
  private initialized = false;

  constructor(options: ClientOptions) {
    this.client = createClient({
      ...options,
      onUpdate: (source) => {
        options.onUpdate?.(source);
        if (this.initialized)
          this.events.emit(ProviderEvents.ConfigurationChanged, { message: `from ${source}` });
      },
      onError: (error) => {
        options.onError?.(error);
        if (error.code === 'STALE_CONFIG') this.events.emit(ProviderEvents.Stale, { message: error.message });
      },
    });
  }

  private get internals(): OmnilabClientInternals {
    return this.client as OmnilabClientInternals;
  }

  async initialize(): Promise<void> {
    await this.client.ready();
    this.initialized = true;
  }

  async onClose(): Promise<void> {
    await this.client.flush();
    this.client.close();
  }

  track(name: string, context: EvaluationContext, details?: TrackingEventDetails): void {
    this.client.track(name, details?.value ?? 1, toSdkContext(context));
  }

  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): ResolutionDetails<boolean> {
    return resolveFlag(
      this.internals,
      flagKey,
      'boolean',
      defaultValue,
      context,
    ) as ResolutionDetails<boolean>;
  }

  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): ResolutionDetails<string> {
    return resolveFlag(this.internals, flagKey, 'string', defaultValue, context) as ResolutionDetails<string>;
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): ResolutionDetails<number> {
    return resolveFlag(this.internals, flagKey, 'number', defaultValue, context) as ResolutionDetails<number>;
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): ResolutionDetails<T> {
    return resolveFlag(this.internals, flagKey, 'object', defaultValue, context) as ResolutionDetails<T>;
  }
}

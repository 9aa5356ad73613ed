/**
 * Unleash's client-features document: the wire format omnilab serves to every SDK, so that any
 * existing Unleash SDK can consume it unchanged.
 */

export type Operator =
  | 'IN'
  | 'NOT_IN'
  | 'STR_STARTS_WITH'
  | 'STR_ENDS_WITH'
  | 'STR_CONTAINS'
  | 'NUM_EQ'
  | 'NUM_GT'
  | 'NUM_GTE'
  | 'NUM_LT'
  | 'NUM_LTE'
  | 'DATE_AFTER'
  | 'DATE_BEFORE'
  | 'SEMVER_EQ'
  | 'SEMVER_GT'
  | 'SEMVER_GTE'
  | 'SEMVER_LT'
  | 'SEMVER_LTE'
  | 'REGEX'
  | 'IN_CIDR';

export const OPERATORS: readonly Operator[] = [
  'IN',
  'NOT_IN',
  'STR_STARTS_WITH',
  'STR_ENDS_WITH',
  'STR_CONTAINS',
  'NUM_EQ',
  'NUM_GT',
  'NUM_GTE',
  'NUM_LT',
  'NUM_LTE',
  'DATE_AFTER',
  'DATE_BEFORE',
  'SEMVER_EQ',
  'SEMVER_GT',
  'SEMVER_GTE',
  'SEMVER_LT',
  'SEMVER_LTE',
  'REGEX',
  'IN_CIDR',
];

export const STRATEGY_NAMES = [
  'default',
  'userWithId',
  'flexibleRollout',
  'gradualRolloutUserId',
  'gradualRolloutSessionId',
  'gradualRolloutRandom',
  'remoteAddress',
  'applicationHostname',
] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface Constraint {
  contextName: string;
  /** A string so that a newer operator from a newer server evaluates to false instead of failing. */
  operator: Operator | (string & {});
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

export interface Payload {
  type: string;
  value: string;
}

export interface Override {
  contextName: string;
  values: string[];
}

export interface VariantDefinition {
  name: string;
  weight: number;
  /** `variable` weights are shared out by the server so that all weights sum to 1000. */
  weightType?: 'variable' | 'fix';
  stickiness?: string;
  payload?: Payload;
  overrides?: Override[];
}

export interface StrategyVariant {
  name: string;
  weight: number;
  weightType?: 'variable' | 'fix';
  stickiness?: string;
  payload?: Payload;
}

export interface Strategy {
  name: string;
  parameters?: Record<string, string | number | undefined>;
  constraints?: Constraint[];
  segments?: number[];
  variants?: StrategyVariant[];
}

export interface Dependency {
  feature: string;
  enabled?: boolean;
  variants?: string[];
}

export interface Feature {
  name: string;
  enabled: boolean;
  description?: string | null;
  type?: string;
  project?: string;
  stale?: boolean;
  impressionData?: boolean;
  strategies?: Strategy[];
  variants?: VariantDefinition[];
  dependencies?: Dependency[];
}

export interface Segment {
  id: number;
  name?: string | null;
  constraints: Constraint[];
}

/**
 * Set on a document served to an app key (shared/model/hide-targeting.ts): every `IN` / `NOT_IN`
 * value and variant override on these context fields, and `userWithId`'s `userIds` when `userId`
 * is one of them, is `hideValue(salt, value)`, so the evaluator compares the hashed context value.
 */
export interface HiddenTargeting {
  salt: string;
  fields: string[];
}

export interface ClientFeaturesDocument {
  version: number;
  features: Feature[];
  segments?: Segment[];
  hiddenTargeting?: HiddenTargeting;
  query?: Record<string, unknown>;
  meta?: Record<string, unknown>;
}

export type DeltaEvent =
  | { eventId: number; type: 'hydration'; features: Feature[]; segments?: Segment[] }
  | { eventId: number; type: 'feature-updated'; feature: Feature }
  | { eventId: number; type: 'feature-removed'; featureName: string; project?: string }
  | { eventId: number; type: 'segment-updated'; segment: Segment }
  | { eventId: number; type: 'segment-removed'; segmentId: number };

export interface DeltaDocument {
  events: DeltaEvent[];
}

/** The evaluation context. `channel` is first-class, like `userId`: the same customer id on every channel. */
export interface Context {
  userId?: string;
  sessionId?: string;
  remoteAddress?: string;
  environment?: string;
  appName?: string;
  currentTime?: string | Date;
  channel?: string;
  properties?: Record<string, string | number | boolean | null | undefined>;
}

export interface VariantResult {
  name: string;
  enabled: boolean;
  feature_enabled: boolean;
  payload?: Payload;
}

/** OpenFeature resolution reasons. */
export type Reason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'DISABLED' | 'ERROR';

/** OpenFeature error codes that evaluation can produce. */
export type EvaluationErrorCode = 'FLAG_NOT_FOUND' | 'GENERAL';

export interface EvaluationResult {
  enabled: boolean;
  variant: VariantResult;
  reason: Reason;
  errorCode?: EvaluationErrorCode;
}

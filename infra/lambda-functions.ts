/**
 * Every Lambda function of omnilab, derived from the declarative lists (routes, schedules, stream
 * consumers) plus the token authorizer: the stack, the bundle-size test and the bundle bench all
 * iterate this one list, so a new route is built, budgeted and measured without being named here.
 */
import { ROUTES, type Route } from '../functions/routes/routes';
import { SCHEDULES, type ScheduledJob } from './schedules';
import { STREAM_CONSUMERS, type StreamConsumer } from './stream-consumers';

export type FunctionKind = 'http' | 'authorizer' | 'schedule' | 'stream';

export interface LambdaFunctionSpec {
  name: string;
  /** Relative to the repository root. */
  entry: string;
  kind: FunctionKind;
}

export const TOKEN_AUTHORIZER: LambdaFunctionSpec = {
  name: 'token-authorizer',
  entry: 'functions/handlers/token-authorizer-handler.ts',
  kind: 'authorizer',
};

export interface FunctionSources {
  routes: readonly Route[];
  schedules: readonly ScheduledJob[];
  streams: readonly StreamConsumer[];
}

export const DEFAULT_SOURCES: FunctionSources = {
  routes: ROUTES,
  schedules: SCHEDULES,
  streams: STREAM_CONSUMERS,
};

export function lambdaFunctions(sources: FunctionSources = DEFAULT_SOURCES): LambdaFunctionSpec[] {
  const byName = new Map<string, LambdaFunctionSpec>();
  const add = (spec: LambdaFunctionSpec) => {
    const seen = byName.get(spec.name);
    // Two entries under one name would deploy whichever came last and silently drop the other.
    if (seen && (seen.entry !== spec.entry || seen.kind !== spec.kind)) {
      throw new Error(
        `function ${spec.name} is declared twice: ${seen.kind} ${seen.entry} and ${spec.kind} ${spec.entry}`,
      );
    }
    byName.set(spec.name, spec);
  };
  for (const r of sources.routes) add({ name: r.function, entry: r.entry, kind: 'http' });
  for (const s of sources.schedules) add({ name: s.function, entry: s.entry, kind: 'schedule' });
  for (const c of sources.streams) add({ name: c.function, entry: c.entry, kind: 'stream' });
  add(TOKEN_AUTHORIZER);
  return [...byName.values()];
}

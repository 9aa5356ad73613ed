/**
 * Flags: create, edit, and per environment and channel state. Routes run staged: they only propose
 * writes, and the governed commit decides from their effect whether they apply now (the kill
 * switch when it only reduces what protected environments serve) or wait for approval.
 */
import { GENERATED_FLAG_PREFIX, isGeneratedFlagName } from '../../shared/experiments/experiment-flags';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/model/errors';
import { type Flag, type FlagEnvironmentState, normalizeVariantWeights } from '../../shared/model/flag';
import { flagNameProblem } from '../../shared/model/names';
import type { Principal } from '../../shared/model/token';
import { mayMoveOwner, mayWriteForSquad } from '../../shared/rights/ownership';
import { type ApiRequest, json, type RouteHandlers } from '../http/api-types';
import type { ADMIN_FLAGS_ROUTES } from '../routes/admin-flags-routes';
import type { Runtime } from '../runtime/composition-root';
import {
  auditEntry,
  requireChannels,
  requireEnvironment,
  requireOwner,
  requireRight,
  requireVersion,
} from '../services/admin-support';
import { withLifecycle } from '../services/release-lifecycle';
import { changesNothing, unchanged } from '../services/unchanged-write';

/** A new flag is on in every environment but on no channel: it reaches nobody until a channel is turned on. */
export function defaultEnvironmentState(channels: readonly string[]): FlagEnvironmentState {
  return { enabled: true, channels: Object.fromEntries(channels.map((c) => [c, false])), strategies: [] };
}

/** Environments where the flag reaches someone: on, with at least one channel on. */
export function liveEnvironments(flag: Pick<Flag, 'environments'>): string[] {
  return Object.entries(flag.environments)
    .filter(([, s]) => s.enabled && Object.values(s.channels).some(Boolean))
    .map(([env]) => env);
}

export function flagRoutes(runtime: Runtime): RouteHandlers<typeof ADMIN_FLAGS_ROUTES> {
  const { flags, config } = runtime;

  async function requireFlag(name: string): Promise<Flag> {
    const flag = await flags.get(name);
    if (!flag) throw new NotFoundError(`no flag ${name}`);
    return flag;
  }

  async function save(
    principal: Principal,
    before: Flag,
    after: Flag,
    action: string,
    environments: string[],
  ) {
    // Nothing to change: the version stays, so a change request based on it stays applicable.
    if (changesNothing(before, after)) return unchanged(before);
    await flags.write(
      [{ flag: after, expectedVersion: before.version }],
      [
        auditEntry(runtime, principal, {
          action,
          target: { type: 'flag', id: after.name },
          environments,
          before,
          after,
        }),
      ],
    );
    return json(200, after);
  }

  function bump(flag: Flag, changes: Partial<Flag>): Flag {
    return { ...flag, ...changes, version: flag.version + 1, updatedAt: runtime.now().toISOString() };
  }

  async function envState(
    req: ApiRequest,
  ): Promise<{ flag: Flag; env: string; state: FlagEnvironmentState }> {
    const flag = await requireFlag(req.params.name);
    requireOwner(req.principal, flag.squad, `flag ${flag.name}`);
    const env = (await requireEnvironment(runtime, req.params.env)).name;
    return { flag, env, state: flag.environments[env] ?? defaultEnvironmentState(config.channels) };
  }

  return {
    'GET /api/admin/flags': async (req) =>
      json(200, { flags: await withLifecycle(runtime, await flags.list(), req.query.lifecycle) }),

    'POST /api/admin/flags': async (req) => {
      const body = req.body;
      const nameProblem = flagNameProblem(body.name);
      if (nameProblem) throw new ValidationError(nameProblem, 'name');
      if (isGeneratedFlagName(body.name))
        throw new ValidationError(
          `starts with "${GENERATED_FLAG_PREFIX}", reserved for the flags experiments generate`,
          'name',
        );
      requireRight(mayWriteForSquad(req.principal, body.squad, 'flags', 'create'));
      const envNames = (await runtime.environments.list()).map((e) => e.name);
      for (const [env, state] of Object.entries(body.environments ?? {})) {
        if (!envNames.includes(env))
          throw new ValidationError('is not an environment', `environments.${env}`);
        requireChannels(runtime, state.channels, `environments.${env}.channels`);
      }
      const now = runtime.now().toISOString();
      const flag: Flag = {
        name: body.name,
        description: body.description ?? '',
        squad: body.squad,
        type: body.type ?? 'release',
        tags: body.tags ?? [],
        impressionData: body.impressionData ?? false,
        dependencies: body.dependencies ?? [],
        variants: normalizeVariantWeights(body.variants ?? []),
        environments: Object.fromEntries(
          envNames.map((e) => [e, body.environments?.[e] ?? defaultEnvironmentState(config.channels)]),
        ),
        archived: false,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await flags.write(
          [{ flag, expectedVersion: null }],
          [
            auditEntry(runtime, req.principal, {
              action: 'flag.created',
              target: { type: 'flag', id: flag.name },
              environments: envNames,
              before: null,
              after: flag,
            }),
          ],
        );
      } catch (e) {
        if (e instanceof ConflictError) throw new ConflictError(`flag ${flag.name} exists`, 'ALREADY_EXISTS');
        throw e;
      }
      return json(201, flag);
    },

    'GET /api/admin/flags/{name}': async (req) =>
      json(200, (await withLifecycle(runtime, [await requireFlag(req.params.name)]))[0]),

    'PUT /api/admin/flags/{name}': async (req) => {
      const body = req.body;
      const flag = await requireFlag(req.params.name);
      requireOwner(req.principal, flag.squad, `flag ${flag.name}`);
      requireRight(mayMoveOwner(req.principal, flag.squad, body.squad ?? flag.squad, 'a flag'));
      requireVersion(flag.version, body.version, `flag ${flag.name}`);
      const { version: _v, variants, ...fields } = body;
      const after = bump(flag, {
        ...fields,
        ...(variants ? { variants: normalizeVariantWeights(variants) } : {}),
      });
      return save(req.principal, flag, after, 'flag.updated', Object.keys(flag.environments));
    },

    'PUT /api/admin/flags/{name}/environments/{env}': async (req) => {
      const body = req.body;
      const { flag, env, state } = await envState(req);
      if (body.channels) requireChannels(runtime, body.channels, 'channels');
      requireVersion(flag.version, body.version, `flag ${flag.name}`);
      const next: FlagEnvironmentState = {
        enabled: body.enabled ?? state.enabled,
        channels: body.channels ? { ...state.channels, ...body.channels } : state.channels,
        strategies: body.strategies ?? state.strategies,
      };
      const after = bump(flag, { environments: { ...flag.environments, [env]: next } });
      return save(req.principal, flag, after, 'flag.environment-updated', [env]);
    },

    'PUT /api/admin/flags/{name}/environments/{env}/channels/{channel}': async (req) => {
      const body = req.body;
      const { flag, env, state } = await envState(req);
      const channel = req.params.channel;
      requireChannels(runtime, { [channel]: body.enabled }, 'channels');
      requireVersion(flag.version, body.version, `flag ${flag.name}`);
      const next = { ...state, channels: { ...state.channels, [channel]: body.enabled } };
      const after = bump(flag, { environments: { ...flag.environments, [env]: next } });
      return save(req.principal, flag, after, body.enabled ? 'flag.channel-on' : 'flag.channel-off', [env]);
    },

    'GET /api/admin/flags/{name}/audit': async (req) => {
      const limit = req.query.limit ? Number(req.query.limit) : undefined;
      return json(200, { entries: await runtime.audit.listByTarget('flag', req.params.name, { limit }) });
    },

    'GET /api/admin/flags/{name}/metrics': async (req) => {
      const flag = await requireFlag(req.params.name);
      const envs = await runtime.environments.list();
      const rows = await Promise.all(envs.map((e) => runtime.clientMetrics.listByFlag(e.name, flag.name)));
      return json(200, { metrics: rows.flat() });
    },
  };
}

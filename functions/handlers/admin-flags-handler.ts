import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/model/errors';
import { type Flag, type FlagEnvironmentState, normalizeVariantWeights } from '../../shared/model/flag';
import type { Principal } from '../../shared/model/token';
import {
  auditEntry,
  httpDeps,
  requireChannels,
  requireEnvironment,
  requireOwner,
  requireVersion,
} from '../lib/admin-support';
import { type ApiRequest, json, type RouteHandler } from '../lib/api-types';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { gate, recordKillSwitch } from '../lib/governance';
import { createHttpHandler, lazyHandler } from '../lib/http-handler';
import type { ChannelToggle, EnvironmentStateUpdate, FlagCreate, FlagUpdate } from '../schemas/admin-schemas';

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

/** Only switching off, nothing else: the kill switch, which never waits for approval. */
function isKillSwitch(body: EnvironmentStateUpdate | ChannelToggle, channelRoute: boolean): boolean {
  if (channelRoute) return body.enabled === false;
  const { version: _v, ...rest } = body as EnvironmentStateUpdate;
  return rest.enabled === false && Object.keys(rest).length === 1;
}

export function flagRoutes(runtime: Runtime): Record<string, RouteHandler> {
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
    'GET /api/admin/flags': async () => json(200, { flags: await flags.list() }),

    'POST /api/admin/flags': async (req) => {
      const body = req.body as FlagCreate;
      if (req.principal.role === 'squad' && req.principal.squad !== body.squad) {
        throw new ForbiddenError(
          `${req.principal.name} may only create flags of squad ${req.principal.squad}`,
        );
      }
      const envNames = (await runtime.environments.list()).map((e) => e.name);
      for (const [env, state] of Object.entries(body.environments ?? {})) {
        if (!envNames.includes(env))
          throw new ValidationError('is not an environment', `environments.${env}`);
        requireChannels(runtime, state.channels, `environments.${env}.channels`);
      }
      const reaching = Object.entries(body.environments ?? {})
        .filter(([, state]) => state.enabled && Object.values(state.channels).some(Boolean))
        .map(([env]) => env);
      const held = await gate(runtime, req, {
        title: `create flag ${body.name}, on in ${reaching.join(', ') || 'no environment'}`,
        target: { type: 'flag', id: body.name },
        environments: reaching,
        squad: body.squad,
      });
      if (held) return held;
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

    'GET /api/admin/flags/{name}': async (req) => json(200, await requireFlag(req.params.name)),

    'PUT /api/admin/flags/{name}': async (req) => {
      const body = req.body as FlagUpdate;
      const flag = await requireFlag(req.params.name);
      requireOwner(req.principal, flag.squad, `flag ${flag.name}`);
      if (body.squad !== undefined && body.squad !== flag.squad && req.principal.role !== 'platform-admin') {
        throw new ForbiddenError('only a platform admin moves a flag to another squad');
      }
      requireVersion(flag.version, body.version, `flag ${flag.name}`);
      const { version: _v, variants, ...fields } = body;
      const held = await gate(runtime, req, {
        title: `change flag ${flag.name} (${Object.keys(fields)
          .concat(variants ? ['variants'] : [])
          .join(', ')})`,
        target: { type: 'flag', id: flag.name },
        environments: liveEnvironments(flag),
        squad: flag.squad,
      });
      if (held) return held;
      const after = bump(flag, {
        ...fields,
        ...(variants ? { variants: normalizeVariantWeights(variants) } : {}),
      });
      return save(req.principal, flag, after, 'flag.updated', Object.keys(flag.environments));
    },

    'PUT /api/admin/flags/{name}/environments/{env}': async (req) => {
      const body = req.body as EnvironmentStateUpdate;
      const { flag, env, state } = await envState(req);
      if (body.channels) requireChannels(runtime, body.channels, 'channels');
      requireVersion(flag.version, body.version, `flag ${flag.name}`);
      const next: FlagEnvironmentState = {
        enabled: body.enabled ?? state.enabled,
        channels: body.channels ? { ...state.channels, ...body.channels } : state.channels,
        strategies: body.strategies ?? state.strategies,
      };
      const change = {
        target: { type: 'flag' as const, id: flag.name },
        environments: [env],
        squad: flag.squad,
      };
      const kill = isKillSwitch(body, false);
      if (!kill) {
        const held = await gate(runtime, req, { ...change, title: `change flag ${flag.name} in ${env}` });
        if (held) return held;
      }
      const after = bump(flag, { environments: { ...flag.environments, [env]: next } });
      const out = await save(req.principal, flag, after, 'flag.environment-updated', [env]);
      if (kill)
        await recordKillSwitch(runtime, req, {
          ...change,
          title: `kill switch: flag ${flag.name} off in ${env}`,
        });
      return out;
    },

    'PUT /api/admin/flags/{name}/environments/{env}/channels/{channel}': async (req) => {
      const body = req.body as ChannelToggle;
      const { flag, env, state } = await envState(req);
      const channel = req.params.channel;
      requireChannels(runtime, { [channel]: body.enabled }, 'channels');
      requireVersion(flag.version, body.version, `flag ${flag.name}`);
      const change = {
        target: { type: 'flag' as const, id: flag.name },
        environments: [env],
        squad: flag.squad,
      };
      const kill = isKillSwitch(body, true);
      if (!kill) {
        const held = await gate(runtime, req, {
          ...change,
          title: `turn flag ${flag.name} on for ${channel} in ${env}`,
        });
        if (held) return held;
      }
      const next = { ...state, channels: { ...state.channels, [channel]: body.enabled } };
      const after = bump(flag, { environments: { ...flag.environments, [env]: next } });
      const out = await save(
        req.principal,
        flag,
        after,
        body.enabled ? 'flag.channel-on' : 'flag.channel-off',
        [env],
      );
      if (kill)
        await recordKillSwitch(runtime, req, {
          ...change,
          title: `kill switch: flag ${flag.name} off for ${channel} in ${env}`,
        });
      return out;
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

export function createAdminFlagsHandler(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), flagRoutes(runtime));
}

export const handler = lazyHandler(() => createAdminFlagsHandler(getRuntime()));

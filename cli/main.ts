/**
 * `npx omnilab`: experiments as code against a running platform.
 *   plan     the diff between experiments/ and the platform
 *   apply    make the platform match (idempotent; through the admin API, so it is audited)
 *   results  an experiment's results as a readable table
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CHANNELS } from '../shared/model/channels';
import type { Flag } from '../shared/model/flag';
import { type ApiClient, ApiError, createApiClient } from './api-client';
import { type AsCode, AsCodeError, type ExperimentAsCode, loadAsCode, type MetricAsCode } from './as-code';
import { type Change, type CurrentState, formatPlan, fullChannels, planChanges } from './plan';
import { progressBar } from './progress';

const HELP: Record<string, string> = {
  main: `Usage: npx omnilab <command> [options]

Commands:
  plan                 Show what apply would change on the platform
  apply                Make the platform match experiments/ (safe to run again)
  results <experiment> Print an experiment's results as a table
  backfill <experiment> Compute metrics (quantiles too) from the raw events: --metric <key>, --stitch
  migrate unleash      Move flags over from a live Unleash, then compare both servers' answers
  refs <dir>           List where flag names appear in a code tree (--json)

Options (every command):
  --url <url>     The platform (default: $OMNILAB_URL or http://localhost:4242)
  --token <token> An admin token (default: $OMNILAB_TOKEN, else $OMNILAB_ADMIN_TOKEN); \`npm start\` prints the local one
  -h, --help      Show help for a command: npx omnilab plan --help`,
  plan: `Usage: npx omnilab plan [--dir experiments] [--daily-units <n> [--days 14]] [--lang en|zh-CN] [--url <url>] [--token <token>]

Reads metrics.yaml, flags.yaml and experiments/*.yaml under --dir, checks them against the
schemas the API uses, and prints what apply would create and update. Changes nothing.
Exits 0 when nothing would change, 2 when something would.`,
  apply: `Usage: npx omnilab apply [--dir experiments] [--url <url>] [--token <token>]

Creates and updates metrics, flags and experiments through the admin API so that the platform
matches --dir. Running it twice changes nothing the second time: writes identical to what is
stored are answered unchanged (versions kept), and a change already waiting in a change request is
that request, not a new one. Resources the YAML does not mention are left alone.`,
  results: `Usage: npx omnilab results <experiment> [--channel <channel>] [--json] [--lang en|zh-CN] [--url <url>] [--token <token>]

Prints the experiment's results: per metric and variant the lift, its interval and p-value,
chance to win, the sample-ratio check, guardrails, and the verdict in plain words.`,
};

interface Options {
  url: string;
  token: string;
  dir: string;
  channel?: string;
  json: boolean;
  /** Results' verdicts and reasons, and the planning figures: English or Simplified Chinese. */
  lang: 'en' | 'zh-CN';
  /** Planning: units expected per day (before each experiment's traffic share) and days to run. */
  dailyUnits?: number;
  days: number;
  help: boolean;
}

async function currentState(api: ApiClient): Promise<CurrentState> {
  const [metrics, flags, experiments, environments] = await Promise.all([
    api.get<{ metrics: (MetricAsCode & { version: number })[] }>('/api/admin/metrics'),
    api.get<{ flags: Flag[] }>('/api/admin/flags'),
    api.get<{ experiments: (ExperimentAsCode & { version: number })[] }>('/api/admin/experiments'),
    api.get<{ channels?: string[] }>('/api/admin/environments'),
  ]);
  return {
    metrics: new Map(metrics.metrics.map((m) => [m.key, m])),
    flags: new Map(flags.flags.map((f) => [f.name, f])),
    experiments: new Map(experiments.experiments.map((e) => [e.key, e])),
    channels: environments.channels ?? [...DEFAULT_CHANNELS],
  };
}

/**
 * A protected environment answers 202 with the change request it opened instead of the resource;
 * `alreadyPending` when the same change was asked for before and is still waiting (none opened again).
 */
interface Held {
  changeRequest: { id: string; title: string };
  alreadyPending?: boolean;
}

function held(result: unknown): Held | null {
  return result && typeof result === 'object' && 'changeRequest' in result ? (result as Held) : null;
}

async function applyFlag(
  api: ApiClient,
  desired: AsCode['flags'][number],
  current: Flag | undefined,
  channels: readonly string[],
  opened: Held[],
) {
  const environments = Object.fromEntries(
    Object.entries(desired.environments ?? {}).map(([env, s]) => [
      env,
      { enabled: s.enabled, channels: fullChannels(s.channels, channels), strategies: s.strategies ?? [] },
    ]),
  );
  if (!current) {
    const created = held(await api.post('/api/admin/flags', { ...desired, environments }));
    if (created) opened.push(created);
    return;
  }
  const path = `/api/admin/flags/${encodeURIComponent(desired.name)}`;
  const { name: _n, environments: _e, ...fields } = desired;
  let version = current.version;
  const step = async (url: string, body: Record<string, unknown>) => {
    const result = await api.put<Flag | Held>(url, { version, ...body });
    const h = held(result);
    if (h) opened.push(h);
    else version = (result as Flag).version;
  };
  await step(path, fields);
  for (const [env, state] of Object.entries(environments)) {
    await step(`${path}/environments/${encodeURIComponent(env)}`, state);
  }
}

async function apply(
  api: ApiClient,
  desired: AsCode,
  state: CurrentState,
  changes: Change[],
): Promise<Held[]> {
  const opened: Held[] = [];
  const todo = changes.filter((c) => c.action !== 'unchanged');
  const bar = progressBar(todo.length, 'Applying');
  for (const c of todo) {
    if (c.kind === 'metric') {
      const m = desired.metrics.find((x) => x.key === c.key)!;
      await api.put(`/api/admin/metrics/${c.key}`, { ...m, version: state.metrics.get(c.key)?.version });
    } else if (c.kind === 'flag') {
      const f = desired.flags.find((x) => x.name === c.key)!;
      await applyFlag(api, f, state.flags.get(c.key), state.channels, opened);
    } else {
      const e = desired.experiments.find((x) => x.key === c.key)!;
      const result = await api.put(`/api/admin/experiments/${c.key}`, {
        ...e,
        version: state.experiments.get(c.key)?.version,
      });
      const h = held(result);
      if (h) opened.push(h);
    }
    bar.tick(`${c.kind} ${c.key}`);
  }
  bar.done();
  return opened;
}

function parse(argv: string[]): { command: string | undefined; rest: string[]; options: Options } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      dir: { type: 'string' },
      channel: { type: 'string' },
      json: { type: 'boolean' },
      lang: { type: 'string' },
      'daily-units': { type: 'string' },
      days: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return {
    command: positionals[0],
    rest: positionals.slice(1),
    options: {
      url: values.url ?? process.env.OMNILAB_URL ?? 'http://localhost:4242',
      // The README exports OMNILAB_ADMIN_TOKEN, deploy docs OMNILAB_TOKEN: both are honoured.
      token: values.token ?? process.env.OMNILAB_TOKEN ?? process.env.OMNILAB_ADMIN_TOKEN ?? '',
      dir: resolve(values.dir ?? 'experiments'),
      channel: values.channel,
      json: values.json ?? false,
      lang: values.lang === 'zh-CN' ? 'zh-CN' : 'en',
      dailyUnits: values['daily-units'] === undefined ? undefined : Number(values['daily-units']),
      days: values.days === undefined ? 14 : Number(values.days),
      help: values.help ?? false,
    },
  };
}

export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  // refs reads a code tree; it needs a token only to ask the platform for flag names.
  if (argv[0] === 'refs') {
    const { runRefs } = await import('./refs-command');
    return runRefs(argv.slice(1), out, err);
  }
  // backfill has its own options (--metric may repeat).
  if (argv[0] === 'backfill') {
    const { runBackfillCommand } = await import('./backfill-command');
    return runBackfillCommand(argv.slice(1), out, err);
  }
  // migrate has its own options (--url and --token name the Unleash it reads).
  if (argv[0] === 'migrate') {
    const { runMigrate } = await import('./migrate-command');
    return runMigrate(argv.slice(1), out, err);
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${HELP.main}\n`);
    return 1;
  }
  const { command, rest, options } = parsed;
  if (!command || command === 'help') {
    out.write(`${HELP[rest[0] ?? 'main'] ?? HELP.main}\n`);
    return command ? 0 : options.help ? 0 : 1;
  }
  if (!HELP[command] || command === 'main') {
    err.write(`Unknown command "${command}".\n\n${HELP.main}\n`);
    return 1;
  }
  if (options.help) {
    out.write(`${HELP[command]}\n`);
    return 0;
  }
  if (!options.token) {
    err.write(
      'No token: pass --token or set OMNILAB_TOKEN or OMNILAB_ADMIN_TOKEN (`npm start` prints the local admin token).\n',
    );
    return 1;
  }
  const api = createApiClient({ url: options.url, token: options.token });
  try {
    if (command === 'results') {
      const { runResults } = await import('./results-command');
      return await runResults(api, rest[0], options, out, err);
    }
    const desired = loadAsCode(options.dir);
    const state = await currentState(api);
    const changes = planChanges(desired, state);
    out.write(`${formatPlan(changes, Boolean(out.isTTY))}\n`);
    if (command === 'plan' && options.dailyUnits !== undefined && options.dailyUnits > 0) {
      const { planPower } = await import('./plan-power');
      const power = await planPower(api, desired, {
        dailyUnits: options.dailyUnits,
        days: options.days > 0 ? options.days : 14,
        lang: options.lang,
      });
      out.write(`${power.join('\n')}\n`);
    }
    if (command === 'plan') return changes.some((c) => c.action !== 'unchanged') ? 2 : 0;
    const held = await apply(api, desired, state, changes);
    for (const h of held)
      out.write(
        `change request ${h.changeRequest.id} ${h.alreadyPending ? 'already pending (not opened again)' : 'opened'}: ${h.changeRequest.title}\n`,
      );
    out.write(
      held.length > 0
        ? `Applied, except ${held.length} change(s) to protected environments: they apply once another principal approves them.\n`
        : 'Applied.\n',
    );
    return 0;
  } catch (e) {
    if (e instanceof AsCodeError || e instanceof ApiError) {
      err.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

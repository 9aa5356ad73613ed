/**
 * `npx omnilab migrate unleash --url <unleash> --token <unleash admin token>`: reads a live Unleash
 * through its admin API (projects, environments, flags with their per-environment strategies, segments
 * with their constraints, context fields, tags), shows omnilab's import plan, applies it through the
 * governed import (production changes become a change request), then compares evaluations: Unleash's
 * official Node SDK on Unleash's document against omnilab's core on omnilab's, over generated contexts.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { UnleashImportReport } from '../functions/services/unleash-import-plan';
import { compile, evaluate } from '../shared';
import type { ClientFeaturesDocument, Constraint } from '../shared/model/client-features';
import type { UnleashExport } from '../shared/model/unleash-export';
import { createApiClient } from './api-client';
import { progressBar } from './progress';

type Lang = 'en' | 'zh-CN';

const MESSAGES = {
  en: {
    reading: 'Reading Unleash',
    verb: { create: 'create', update: 'update', skip: 'skip' },
    exporting: 'Exporting',
    comparing: 'Comparing',
    plan: (s: UnleashImportReport['summary']) =>
      `Plan: ${s.created} to create, ${s.updated} to update, ${s.unchanged} unchanged, ${s.skipped} skipped, ${s.warnings} warning(s).`,
    planOnly: 'Nothing applied (--plan).',
    applied: 'Applied.',
    held: (id: string) => `change request ${id} opened: the import applies once another person approves it.`,
    nothing: 'Nothing to change.',
    unmapped: (env: string) =>
      `environment ${env}: not imported (map it with --environments ${env}:<omnilab env>)`,
    agreement: (env: string, agree: number, total: number) =>
      `${env}: ${agree} of ${total} evaluations agree (${total === 0 ? '100.00' : ((100 * agree) / total).toFixed(2)}%)`,
    disagreement: (flag: string, ctx: string, a: string, b: string) =>
      `  differs: ${flag} for ${ctx}: Unleash ${a}, omnilab ${b}`,
    noCompare: (env: string, why: string) => `${env}: not compared (${why})`,
    heldNoCompare: 'held for approval: compare after it is applied (run migrate again)',
    noUrl: 'Pass the Unleash server with --url and an Unleash admin token with --token.',
    noOmnilabToken:
      'No omnilab token: pass --omnilab-token or set OMNILAB_TOKEN or OMNILAB_ADMIN_TOKEN (`npm start` prints the local admin token).',
  },
  'zh-CN': {
    reading: '读取 Unleash',
    verb: { create: '新建', update: '更新', skip: '跳过' },
    exporting: '导出',
    comparing: '比对',
    plan: (s: UnleashImportReport['summary']) =>
      `计划：新建 ${s.created} 个，更新 ${s.updated} 个，未变 ${s.unchanged} 个，跳过 ${s.skipped} 个，警告 ${s.warnings} 条。`,
    planOnly: '未执行任何更改（--plan）。',
    applied: '已应用。',
    held: (id: string) => `已创建变更请求 ${id}：另一人批准后才会导入。`,
    nothing: '没有需要更改的内容。',
    unmapped: (env: string) => `环境 ${env}：未导入（用 --environments ${env}:<omnilab 环境> 指定对应环境）`,
    agreement: (env: string, agree: number, total: number) =>
      `${env}：${total} 次评估中 ${agree} 次一致（${total === 0 ? '100.00' : ((100 * agree) / total).toFixed(2)}%）`,
    disagreement: (flag: string, ctx: string, a: string, b: string) =>
      `  不一致：${flag}，上下文 ${ctx}：Unleash ${a}，omnilab ${b}`,
    noCompare: (env: string, why: string) => `${env}：未比对（${why}）`,
    heldNoCompare: '等待批准：应用后再比对（再次运行 migrate）',
    noUrl: '请用 --url 指定 Unleash 服务器，用 --token 指定 Unleash 管理令牌。',
    noOmnilabToken:
      '缺少 omnilab 令牌：请传 --omnilab-token，或设置 OMNILAB_TOKEN / OMNILAB_ADMIN_TOKEN（`npm start` 会打印本地管理令牌）。',
  },
};

export const MIGRATE_HELP = `Usage: npx omnilab migrate unleash --url <unleash url> --token <unleash admin token> [options]

Reads a live Unleash through its admin API (projects, environments, flags with their strategies,
segments, context fields, tags), shows the plan omnilab's import makes of it (per flag what changes
and what could not be imported as Unleash serves it), applies it through the governed import (a
change to a protected environment becomes one change request), then evaluates every flag in both
servers over generated contexts and prints how many agree.

Options:
  --url <url>                 The Unleash server (its base, e.g. http://localhost:4242)
  --token <token>             An Unleash admin token (it also mints, then deletes, a client token per
                              environment to read what Unleash serves for the comparison)
  --omnilab-url <url>         omnilab (default: $OMNILAB_URL or http://localhost:4242)
  --omnilab-token <token>     An omnilab platform-admin token (default: $OMNILAB_TOKEN, else $OMNILAB_ADMIN_TOKEN)
  --environments <a:b,...>    Map Unleash environments to omnilab's (others map by name)
  --projects <p1,p2>          Only these Unleash projects (default: all)
  --unknown-strategies <mode> disable (default: imported disabled, reported) or skip
  --contexts <n>              Generated contexts per environment for the comparison (default 500)
  --file <export.json>        Import a features-batch export file instead of reading the admin API
                              (compared only when --url and --token name the Unleash it came from)
  --plan                      Show the plan and stop
  --lang en|zh-CN             Messages in English or Simplified Chinese
  -h, --help                  This help

Exit codes: 0 done and every evaluation agrees, 2 some evaluations differ, 1 an error.`;

interface MigrateOptions {
  url: string;
  token: string;
  omnilabUrl: string;
  omnilabToken: string;
  environments?: string;
  projects?: string[];
  unknownStrategies: 'disable' | 'skip';
  contexts: number;
  planOnly: boolean;
  /** An export file (what Unleash's features-batch export answered) instead of reading the admin API. */
  file?: string;
  lang: Lang;
  help: boolean;
}

function parseMigrate(argv: string[]): { target: string | undefined; options: MigrateOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      'omnilab-url': { type: 'string' },
      'omnilab-token': { type: 'string' },
      environments: { type: 'string' },
      projects: { type: 'string' },
      'unknown-strategies': { type: 'string' },
      contexts: { type: 'string' },
      plan: { type: 'boolean' },
      file: { type: 'string' },
      lang: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const contexts = Number(values.contexts ?? 500);
  return {
    target: positionals[0],
    options: {
      url: (values.url ?? '').replace(/\/+$/, ''),
      token: values.token ?? '',
      omnilabUrl: values['omnilab-url'] ?? process.env.OMNILAB_URL ?? 'http://localhost:4242',
      omnilabToken:
        values['omnilab-token'] ?? process.env.OMNILAB_TOKEN ?? process.env.OMNILAB_ADMIN_TOKEN ?? '',
      environments: values.environments,
      projects: values.projects?.split(',').map((p) => p.trim()),
      unknownStrategies: values['unknown-strategies'] === 'skip' ? 'skip' : 'disable',
      contexts: Number.isInteger(contexts) && contexts > 0 ? contexts : 500,
      planOnly: values.plan ?? false,
      file: values.file,
      lang: values.lang === 'zh-CN' ? 'zh-CN' : 'en',
      help: values.help ?? false,
    },
  };
}

/** A small client for Unleash's admin API (its tokens go bare in Authorization, as Unleash wants). */
function unleashApi(url: string, token: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: token, 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Unleash ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
    del: (path: string) => call<unknown>('DELETE', path),
  };
}

type Unleash = ReturnType<typeof unleashApi>;

async function featureNames(api: Unleash, project: string): Promise<string[]> {
  try {
    const found = await api.get<{ features: { name: string }[] }>(
      `/api/admin/search/features?project=IS:${encodeURIComponent(project)}&limit=10000`,
    );
    return found.features.map((f) => f.name);
  } catch {
    const listed = await api.get<{ features: { name: string }[] }>(
      `/api/admin/projects/${encodeURIComponent(project)}/features`,
    );
    return listed.features.map((f) => f.name);
  }
}

/** Every environment's features-batch export, merged into one document whose strategies name their environment. */
export async function readUnleash(
  api: Unleash,
  projectsWanted: string[] | undefined,
  onStep: (label: string) => void,
): Promise<{ document: UnleashExport; environments: string[] }> {
  const { projects } = await api.get<{ projects: { id: string }[] }>('/api/admin/projects');
  onStep('projects');
  const { environments } = await api.get<{ environments: { name: string; enabled?: boolean }[] }>(
    '/api/admin/environments',
  );
  onStep('environments');
  const names: string[] = [];
  for (const p of projects.filter((p) => !projectsWanted || projectsWanted.includes(p.id)))
    names.push(...(await featureNames(api, p.id)));
  onStep('flags');
  const { segments } = await api.get<{
    segments: { id: number; name: string; description?: string; constraints: Constraint[] }[];
  }>('/api/admin/segments');
  onStep('segments');
  const context = await api.get<UnleashExport['contextFields']>('/api/admin/context');
  onStep('context fields');
  const { tagTypes } = await api.get<{ tagTypes: UnleashExport['tagTypes'] }>('/api/admin/tag-types');
  onStep('tag types');
  const merged: UnleashExport = {
    features: [],
    featureStrategies: [],
    featureEnvironments: [],
    contextFields: context ?? [],
    featureTags: [],
    segments: segments.map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description ?? '',
      constraints: s.constraints,
    })),
    tagTypes: tagTypes ?? [],
    dependencies: [],
  };
  const envs = environments.filter((e) => e.enabled !== false).map((e) => e.name);
  const seen = new Set<string>();
  const tagSeen = new Set<string>();
  const depSeen = new Set<string>();
  for (const environment of envs) {
    if (names.length > 0) {
      const doc = await api.post<UnleashExport>('/api/admin/features-batch/export', {
        features: names,
        environment,
      });
      for (const f of doc.features)
        if (!seen.has(f.name)) {
          seen.add(f.name);
          merged.features.push(f);
        }
      for (const s of doc.featureStrategies) merged.featureStrategies.push({ ...s, environment });
      for (const fe of doc.featureEnvironments ?? [])
        merged.featureEnvironments?.push({ ...fe, environment: fe.environment ?? environment });
      for (const t of doc.featureTags ?? []) {
        const key = `${t.featureName}\n${t.tagType ?? t.type}\n${t.tagValue ?? t.value}`;
        if (!tagSeen.has(key)) {
          tagSeen.add(key);
          merged.featureTags?.push(t);
        }
      }
      for (const d of doc.dependencies ?? [])
        if (!depSeen.has(d.feature)) {
          depSeen.add(d.feature);
          merged.dependencies?.push(d);
        }
    }
    onStep(`export ${environment}`);
  }
  return { document: merged, environments: envs };
}

/** A repeatable pseudo-random sequence (mulberry32), so two runs compare the same contexts. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Contexts that reach every branch the documents' constraints name: their values, near misses, absence. */
export function generateContexts(
  docs: readonly ClientFeaturesDocument[],
  channels: readonly string[],
  count: number,
): { userId: string; sessionId: string; remoteAddress: string; properties: Record<string, string> }[] {
  const values = new Map<string, Set<string>>();
  const note = (c: Constraint) => {
    const set = values.get(c.contextName) ?? new Set<string>();
    for (const v of c.values ?? []) set.add(v);
    if (c.value !== undefined) {
      set.add(c.value);
      const n = Number(c.value);
      if (Number.isFinite(n)) for (const d of [-1, 1]) set.add(String(n + d));
    }
    values.set(c.contextName, set);
  };
  for (const doc of docs) {
    for (const f of doc.features)
      for (const s of f.strategies ?? []) for (const c of s.constraints ?? []) note(c);
    for (const s of doc.segments ?? []) for (const c of s.constraints) note(c);
  }
  values.set('channel', new Set([...(values.get('channel') ?? []), ...channels]));
  const next = random(18);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const builtin = new Set(['userId', 'sessionId', 'remoteAddress', 'currentTime', 'appName', 'environment']);
  return Array.from({ length: count }, (_, i) => {
    const properties: Record<string, string> = {};
    for (const [name, set] of values) {
      if (builtin.has(name) || next() < 0.2) continue;
      properties[name] = pick([...set, 'other']);
    }
    const ids = [...(values.get('userId') ?? [])];
    return {
      userId: ids.length > 0 && next() < 0.3 ? pick(ids) : `customer-${i}`,
      sessionId: `session-${Math.floor(next() * 1e6)}`,
      remoteAddress: `10.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}`,
      properties,
    };
  });
}

/** Unleash's official Node SDK on a document alone (nothing to fetch). */
async function offlineUnleash(doc: ClientFeaturesDocument) {
  const { Unleash } = await import('unleash-client');
  const client = new Unleash({
    appName: 'omnilab-migrate',
    url: 'http://127.0.0.1:9/api/',
    refreshInterval: 0,
    disableMetrics: true,
    bootstrap: { data: doc.features as never, segments: (doc.segments ?? []) as never },
    skipInstanceCountWarning: true,
  });
  client.on('error', () => {});
  client.on('warn', () => {});
  await new Promise<void>((resolve) => {
    if (client.isSynchronized()) resolve();
    client.once('ready', () => resolve());
    setTimeout(resolve, 2000);
  });
  return client;
}

export interface Agreement {
  agree: number;
  total: number;
  differences: { flag: string; context: string; unleash: string; omnilab: string }[];
}

/** Unleash's SDK on Unleash's document against omnilab's core on omnilab's, flag by flag and context by context. */
export async function compareDocuments(
  unleashDoc: ClientFeaturesDocument,
  omnilabDoc: ClientFeaturesDocument,
  contexts: ReturnType<typeof generateContexts>,
): Promise<Agreement> {
  const sdk = await offlineUnleash(unleashDoc);
  const core = compile(omnilabDoc);
  const out: Agreement = { agree: 0, total: 0, differences: [] };
  try {
    for (const f of unleashDoc.features) {
      for (const ctx of contexts) {
        const a = sdk.getVariant(f.name, ctx);
        const theirs = `${sdk.isEnabled(f.name, ctx)}/${a.name}`;
        const r = evaluate(core, f.name, ctx);
        const ours = `${r.enabled}/${r.variant.name}`;
        out.total++;
        if (theirs === ours) out.agree++;
        else if (out.differences.length < 20)
          out.differences.push({
            flag: f.name,
            context: JSON.stringify(ctx),
            unleash: theirs,
            omnilab: ours,
          });
      }
    }
  } finally {
    sdk.destroy();
  }
  return out;
}

function formatReport(report: UnleashImportReport, lang: Lang): string {
  const t = MESSAGES[lang];
  const lines: string[] = [];
  for (const e of report.environments) if (e.to === null) lines.push(t.unmapped(e.from));
  for (const w of report.warnings) lines.push(`! ${w}`);
  for (const s of report.segments) {
    if (s.action === 'create' || s.action === 'update')
      lines.push(`${s.action === 'create' ? '+' : '~'} ${t.verb[s.action]} segment ${s.name}`);
    for (const w of s.warnings) lines.push(`    ! ${w}`);
  }
  const show = (v: unknown) => {
    const s = JSON.stringify(v) ?? 'undefined';
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  };
  for (const f of report.flags) {
    if (f.action === 'create') lines.push(`+ ${t.verb.create} flag ${f.name}`);
    if (f.action === 'update') {
      lines.push(`~ ${t.verb.update} flag ${f.name}`);
      for (const c of f.changes) lines.push(`    ${c.path}: ${show(c.before)} → ${show(c.after)}`);
    }
    if (f.action === 'skipped') lines.push(`- ${t.verb.skip} flag ${f.name}`);
    for (const w of f.warnings) lines.push(`    ! ${f.name}: ${w}`);
  }
  lines.push(t.plan(report.summary));
  return lines.join('\n');
}

export async function runMigrate(
  argv: string[],
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  let parsed: ReturnType<typeof parseMigrate>;
  try {
    parsed = parseMigrate(argv);
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${MIGRATE_HELP}\n`);
    return 1;
  }
  const { target, options } = parsed;
  const t = MESSAGES[options.lang];
  if (options.help || target === undefined) {
    out.write(`${MIGRATE_HELP}\n`);
    return options.help ? 0 : 1;
  }
  if (target !== 'unleash') {
    err.write(`Unknown source "${target}": only unleash can be migrated from.\n\n${MIGRATE_HELP}\n`);
    return 1;
  }
  if (!options.file && (!options.url || !options.token)) {
    err.write(`${t.noUrl}\n`);
    return 1;
  }
  if (!options.omnilabToken) {
    err.write(`${t.noOmnilabToken}\n`);
    return 1;
  }
  const unleash = unleashApi(options.url, options.token);
  const omnilab = createApiClient({ url: options.omnilabUrl, token: options.omnilabToken });
  try {
    let document: UnleashExport;
    if (options.file) document = JSON.parse(readFileSync(options.file, 'utf8')) as UnleashExport;
    else {
      const { environments: envList } = await unleash.get<{
        environments: { name: string; enabled?: boolean }[];
      }>('/api/admin/environments');
      const bar = progressBar(6 + envList.filter((e) => e.enabled !== false).length, t.reading, err);
      ({ document } = await readUnleash(unleash, options.projects, (label) => bar.tick(label)));
      bar.done();
    }
    const query = new URLSearchParams();
    if (options.environments) query.set('environments', options.environments);
    query.set('unknownStrategies', options.unknownStrategies);
    const qs = `?${query.toString()}`;
    const report = await omnilab.post<UnleashImportReport>(`/api/admin/import/unleash/plan${qs}`, document);
    out.write(`${formatReport(report, options.lang)}\n`);
    if (options.planOnly) {
      out.write(`${t.planOnly}\n`);
      return 0;
    }
    const changes =
      report.summary.created +
      report.summary.updated +
      report.segments.filter((s) => s.action === 'create' || s.action === 'update').length;
    let heldId: string | undefined;
    if (changes === 0) out.write(`${t.nothing}\n`);
    else {
      const applied = await omnilab.post<UnleashImportReport | { changeRequest: { id: string } }>(
        `/api/admin/import/unleash${qs}`,
        document,
      );
      if ('changeRequest' in applied) {
        heldId = applied.changeRequest.id;
        out.write(`${t.held(heldId)}\n`);
      } else out.write(`${t.applied}\n`);
    }

    // Compare what each server answers, environment by environment.
    const { channels = [] } = await omnilab.get<{ channels?: string[] }>('/api/admin/environments');
    // An export file has no live Unleash to compare with, unless --url and --token name it.
    const mapped =
      options.file && !(options.url && options.token)
        ? []
        : report.environments.filter((e): e is { from: string; to: string } => e.to !== null);
    let differ = false;
    const compareBar = progressBar(mapped.length, t.comparing, err);
    for (const e of mapped) {
      if (heldId) {
        out.write(`${t.noCompare(e.from, t.heldNoCompare)}\n`);
        compareBar.tick(e.from);
        continue;
      }
      const result = await compareEnvironment(unleash, omnilab, options, e, channels);
      compareBar.tick(e.from);
      if (typeof result === 'string') {
        out.write(`${t.noCompare(e.from, result)}\n`);
        continue;
      }
      out.write(`${t.agreement(`${e.from} → ${e.to}`, result.agree, result.total)}\n`);
      for (const d of result.differences)
        out.write(`${t.disagreement(d.flag, d.context, d.unleash, d.omnilab)}\n`);
      if (result.agree !== result.total) differ = true;
    }
    compareBar.done();
    return differ ? 2 : 0;
  } catch (e) {
    err.write(`${(e as Error).message}\n`);
    return 1;
  }
}

async function compareEnvironment(
  unleash: Unleash,
  omnilab: ReturnType<typeof createApiClient>,
  options: MigrateOptions,
  e: { from: string; to: string },
  channels: readonly string[],
): Promise<Agreement | string> {
  let unleashSecret: string | undefined;
  let omnilabToken: { id: string; secret: string } | undefined;
  try {
    const minted = await unleash.post<{ secret: string }>('/api/admin/api-tokens', {
      tokenName: 'omnilab-migrate-compare',
      type: 'client',
      environment: e.from,
      projects: options.projects ?? ['*'],
    });
    unleashSecret = minted.secret;
    omnilabToken = await omnilab.post<{ id: string; secret: string }>('/api/admin/tokens', {
      kind: 'client',
      environment: e.to,
      name: 'migrate-compare',
    });
    const headers = { 'unleash-client-spec': '5.2.0' };
    const read = async (url: string, token: string) => {
      const res = await fetch(`${url}/api/client/features`, {
        headers: { ...headers, authorization: token },
      });
      if (!res.ok) throw new Error(`${url}/api/client/features: ${res.status}`);
      return (await res.json()) as ClientFeaturesDocument;
    };
    const unleashDoc = await read(options.url, unleashSecret);
    const omnilabDoc = await read(options.omnilabUrl.replace(/\/+$/, ''), omnilabToken.secret);
    const contexts = generateContexts([unleashDoc, omnilabDoc], channels, options.contexts);
    return await compareDocuments(unleashDoc, omnilabDoc, contexts);
  } catch (error) {
    return (error as Error).message;
  } finally {
    if (unleashSecret) await unleash.del(`/api/admin/api-tokens/${unleashSecret}`).catch(() => undefined);
    if (omnilabToken)
      await fetch(`${options.omnilabUrl.replace(/\/+$/, '')}/api/admin/tokens/${omnilabToken.id}`, {
        method: 'DELETE',
        headers: { authorization: options.omnilabToken },
      }).catch(() => undefined);
  }
}

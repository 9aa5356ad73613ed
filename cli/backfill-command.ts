/**
 * `npx omnilab backfill <experiment> [--metric <key>]...`: computes an experiment's statistics for
 * catalogue metrics (quantiles too) from the raw events, one metric at a time with a progress bar,
 * through `POST /api/admin/experiments/{key}/backfill`, and prints what it stored and the health
 * check (units read, crossover). Messages in English or Simplified Chinese.
 */
import { parseArgs } from 'node:util';
import { ApiError, createApiClient } from './api-client';
import { progressBar } from './progress';

type Lang = 'en' | 'zh-CN';

interface BackfillAnswer {
  at: string;
  stitched: boolean;
  metrics: { key: string; kind: string; cells: number; quantile: boolean }[];
  health: { units: number; crossover: number };
}

const MESSAGES = {
  en: {
    title: 'Backfilling',
    metric: (key: string, kind: string, units: number) =>
      `${key} (${kind}): computed from the raw events of ${units} units`,
    done: (n: number, at: string) => `Stored ${n} metric(s), backfilled at ${at}; results show them.`,
    crossover: (n: number, stitched: boolean) =>
      stitched
        ? `Crossover after identity stitching: ${n} unit(s) seen in more than one variant.`
        : `Crossover: ${n} unit(s) seen in more than one variant.`,
    none: (key: string) => `Experiment ${key} names no metric in the catalogue: nothing to backfill.`,
    noExperiment: 'Name the experiment: npx omnilab backfill <experiment> [--metric <key>]',
    noToken:
      'No token: pass --token or set OMNILAB_TOKEN or OMNILAB_ADMIN_TOKEN (`npm start` prints the local admin token).',
  },
  'zh-CN': {
    title: '回填',
    metric: (key: string, kind: string, units: number) =>
      `${key}（${kind}）：已从 ${units} 个单元的原始事件计算`,
    done: (n: number, at: string) => `已保存 ${n} 个指标，回填时间 ${at}；结果页会显示它们。`,
    crossover: (n: number, stitched: boolean) =>
      stitched ? `身份关联后的交叉：${n} 个单元出现在多个变体中。` : `交叉：${n} 个单元出现在多个变体中。`,
    none: (key: string) => `实验 ${key} 没有引用指标目录中的指标：无需回填。`,
    noExperiment: '请指定实验：npx omnilab backfill <实验> [--metric <指标>]',
    noToken:
      '缺少令牌：请传 --token，或设置 OMNILAB_TOKEN / OMNILAB_ADMIN_TOKEN（`npm start` 会打印本地管理令牌）。',
  },
};

export const BACKFILL_HELP = `Usage: npx omnilab backfill <experiment> [--metric <key>]... [--stitch] [--json] [--lang en|zh-CN] [--url <url>] [--token <token>]

Computes the experiment's statistics for catalogue metrics from the raw events (DuckDB over the
local lake, Athena on AWS), with the same unit, exposure and attribution rules as live ingestion,
and stores them so results show them, marked as backfilled with when. A metric defined after its
events were sent is counted this way; a quantile metric (P95 login time) only this way.

Options:
  --metric <key>   A catalogue metric to backfill (repeat it; default: every metric the experiment names)
  --stitch         Attribute anonymous ids to the customer an identify event links them to (first
                   touch), and report the crossover (units seen in more than one variant)
  --json           Print the answers as JSON
  --lang en|zh-CN  Messages in English or Simplified Chinese
  --url <url>      The platform (default: $OMNILAB_URL or http://localhost:4242)
  --token <token>  An admin token (default: $OMNILAB_TOKEN, else $OMNILAB_ADMIN_TOKEN)
  -h, --help       This help`;

export async function runBackfillCommand(
  argv: string[],
  out: NodeJS.WriteStream | NodeJS.WritableStream = process.stdout,
  err: NodeJS.WriteStream | NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      metric: { type: 'string', multiple: true },
      stitch: { type: 'boolean' },
      json: { type: 'boolean' },
      lang: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const lang: Lang = values.lang === 'zh-CN' ? 'zh-CN' : 'en';
  const t = MESSAGES[lang];
  if (values.help) {
    out.write(`${BACKFILL_HELP}\n`);
    return 0;
  }
  const key = positionals[0];
  if (!key) {
    err.write(`${t.noExperiment}\n\n${BACKFILL_HELP}\n`);
    return 1;
  }
  const token = values.token ?? process.env.OMNILAB_TOKEN ?? process.env.OMNILAB_ADMIN_TOKEN ?? '';
  if (!token) {
    err.write(`${t.noToken}\n`);
    return 1;
  }
  const api = createApiClient({
    url: values.url ?? process.env.OMNILAB_URL ?? 'http://localhost:4242',
    token,
  });
  try {
    const path = `/api/admin/experiments/${encodeURIComponent(key)}`;
    let metrics = values.metric ?? [];
    if (metrics.length === 0) {
      const [experiment, catalogue] = await Promise.all([
        api.get<{ primaryMetric: string; secondaryMetrics: string[]; guardrails: { metric: string }[] }>(
          path,
        ),
        api.get<{ metrics: { key: string }[] }>('/api/admin/metrics'),
      ]);
      const known = new Set(catalogue.metrics.map((m) => m.key));
      metrics = [
        ...new Set([
          experiment.primaryMetric,
          ...experiment.secondaryMetrics,
          ...experiment.guardrails.map((g) => g.metric),
        ]),
      ].filter((m) => known.has(m));
    }
    if (metrics.length === 0) {
      out.write(`${t.none(key)}\n`);
      return 0;
    }
    // One metric per request: each is a query of its own, so the bar moves as they finish.
    const progress = progressBar(metrics.length, t.title, process.stderr);
    const answers: BackfillAnswer[] = [];
    for (const metric of metrics) {
      answers.push(
        await api.post<BackfillAnswer>(`${path}/backfill`, {
          metrics: [metric],
          ...(values.stitch ? { stitch: true } : {}),
        }),
      );
      progress.tick(metric);
    }
    progress.done();
    if (values.json) {
      out.write(`${JSON.stringify(answers, null, 2)}\n`);
      return 0;
    }
    for (const a of answers)
      for (const m of a.metrics) out.write(`${t.metric(m.key, m.kind, a.health.units)}\n`);
    const last = answers[answers.length - 1];
    out.write(`${t.crossover(Math.max(...answers.map((a) => a.health.crossover)), last.stitched)}\n`);
    out.write(`${t.done(answers.length, last.at)}\n`);
    return 0;
  } catch (e) {
    err.write(`${e instanceof ApiError ? e.message : String(e)}\n`);
    return 1;
  }
}

/**
 * `npm run simulate`: simulated customers on every channel, sent through the public APIs of a
 * running omnilab (the admin API for the experiment, POST /api/events for what customers do),
 * with true effects planted per variant and channel. Afterwards the platform holds a realistic
 * experiment whose results can be read in the console or with `npx omnilab results`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApiClient } from '../cli/api-client';
import { formatTable } from '../cli/format-table';
import { progressBar } from '../cli/progress';
import type { EventBatchResponse } from '../shared/model/event';
import type { Experiment } from '../shared/model/experiment';
import type { MetricDefinition } from '../shared/model/metric';
import { type SimulationConfig, seededRandom, simulateExperiment } from '../shared/simulation/simulation';

const HELP = `Usage: npm run simulate [-- options]

Sends simulated customers through a running omnilab (start it with \`npm start\`): creates the
experiment "loan-banner-simulation" (development environment, mobile, web, wechat, branch and
call center, randomised by customer), then each customer's exposure and what they did, with
planted effects: the banner raises loan applications by 15% everywhere, and raises complaints by
40% on the call-center channel only (where customers complain twice as often anyway). With the
default 30,000 customers the results reach a clear decision: do not ship as is, because of the
call center, and ship on the other four channels.

Options:
  --customers <n>  how many customers (default 30000)
  --seed <n>       the random seed (default 1); the same seed sends the same events, so a second
                   run is all duplicates and changes no total
  --srm            lose 15% of the banner's exposures (a planted sample-ratio mismatch)
  --url <url>      default $OMNILAB_URL or http://localhost:4242
  --admin-token <token>, --client-token <token>
                   default $OMNILAB_ADMIN_TOKEN / $OMNILAB_CLIENT_TOKEN, else the local tokens
                   \`npm start\` saved in .omnilab/local-tokens.json
  -h, --help       this text`;

const CATALOGUE: MetricDefinition[] = [
  {
    key: 'loan_application_submitted',
    name: 'Loan application submitted',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  },
  {
    key: 'csat_score',
    name: 'CSAT score',
    kind: 'mean-of-events',
    direction: 'higher-is-better',
    unit: 'points',
  },
  {
    key: 'complaint_filed',
    name: 'Complaints filed',
    kind: 'count',
    direction: 'lower-is-better',
    unit: 'complaints',
  },
];

const EXPERIMENT: Experiment = {
  key: 'loan-banner-simulation',
  name: 'Pre-approved loan banner (simulated customers)',
  hypothesis: 'Showing the pre-approved amount raises loan applications on every channel.',
  squad: 'lending',
  environment: 'development',
  trafficPercent: 100,
  channels: ['mobile', 'web', 'wechat', 'branch', 'call_center'],
  unit: 'customer',
  variants: [
    { name: 'control', weight: 1 },
    { name: 'banner', weight: 1 },
  ],
  primaryMetric: 'loan_application_submitted',
  secondaryMetrics: ['csat_score'],
  guardrails: [{ metric: 'complaint_filed', tolerance: 0.1 }],
  status: 'running',
  analysis: { sequential: true, alpha: 0.05, cuped: true },
};

function localTokens(): { admin?: string; client?: string } {
  const file = join(process.env.OMNILAB_STATE_DIR ?? '.omnilab', 'local-tokens.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

export async function simulate(argv: string[], log: (line: string) => void = console.log): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: 'string' },
      seed: { type: 'string' },
      srm: { type: 'boolean' },
      url: { type: 'string' },
      'admin-token': { type: 'string' },
      'client-token': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    log(HELP);
    return 0;
  }
  const customers = Number(values.customers ?? 30000);
  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(customers) || customers < 1)
    throw new Error('--customers must be a whole number of 1 or more');
  const saved = localTokens();
  const url = values.url ?? process.env.OMNILAB_URL ?? 'http://localhost:4242';
  const adminToken = values['admin-token'] ?? process.env.OMNILAB_ADMIN_TOKEN ?? saved.admin;
  const clientToken = values['client-token'] ?? process.env.OMNILAB_CLIENT_TOKEN ?? saved.client;
  if (!adminToken || !clientToken) {
    throw new Error(
      'No tokens: start omnilab with `npm start` first, or pass --admin-token and --client-token',
    );
  }
  const admin = createApiClient({ url, token: adminToken });
  const client = createApiClient({ url, token: clientToken });

  const known = new Set(
    (await admin.get<{ metrics: MetricDefinition[] }>('/api/admin/metrics')).metrics.map((m) => m.key),
  );
  for (const m of CATALOGUE) if (!known.has(m.key)) await admin.put(`/api/admin/metrics/${m.key}`, m);
  const start = Date.now() - 28 * 86_400_000;
  const stored = await admin.find<{ version: number; startedAt?: string }>(
    `/api/admin/experiments/${EXPERIMENT.key}`,
  );
  // The simulated customers were exposed over the past weeks: the experiment started before the
  // first of them, or ingestion would refuse their exposures as predating it.
  const startedAt =
    stored?.startedAt && Date.parse(stored.startedAt) <= start
      ? stored.startedAt
      : new Date(start).toISOString();
  await admin.put(`/api/admin/experiments/${EXPERIMENT.key}`, {
    ...EXPERIMENT,
    startedAt,
    ...(stored ? { version: stored.version } : {}),
  });

  const config: SimulationConfig = {
    experiment: EXPERIMENT,
    units: customers,
    catalogue: CATALOGUE,
    metrics: {
      loan_application_submitted: { kind: 'conversion', rate: 0.15 },
      csat_score: { kind: 'mean', mean: 4.1, presence: 0.3, spread: 0.15, noise: 0.1 },
      complaint_filed: { kind: 'count', rate: 0.15 },
    },
    effects: [
      { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.15 },
      { variant: 'banner', metric: 'complaint_filed', relativeLift: 0.4, channel: 'call_center' },
    ],
    channelMix: { mobile: 4, web: 2, wechat: 2, branch: 1, call_center: 2 },
    channelBaseline: { call_center: 2 },
    ...(values.srm ? { srm: { variant: 'banner', lossRate: 0.15 } } : {}),
    start,
    days: 13,
    idPrefix: `sim${seed}-`,
  };
  const { events, summary } = simulateExperiment(config, seededRandom(seed));
  const counts = { accepted: 0, duplicate: 0, stored: 0, rejected: 0 };
  const batches: (typeof events)[] = [];
  for (let i = 0; i < events.length; i += 500) batches.push(events.slice(i, i + 500));
  const bar = progressBar(batches.length, `Sending ${events.length} events`);
  let next = 0;
  const firstRejection: string[] = [];
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        const res = await client.post<EventBatchResponse>('/api/events', { events: batch });
        for (const r of res.results) {
          counts[r.status]++;
          if (r.status === 'rejected' && firstRejection.length === 0) firstRejection.push(r.reason);
        }
        bar.tick();
      }
    }),
  );
  bar.done();

  log(
    `\n${summary.exposedUnits} customers exposed (${summary.lostToSrm} exposures lost to the planted SRM).`,
  );
  log(`Events: ${counts.accepted} accepted, ${counts.duplicate} duplicates, ${counts.rejected} rejected.`);
  if (firstRejection.length > 0) log(`First rejection: ${firstRejection[0]}`);
  log('\nWhat was planted (true means, overall and per channel):');
  log(
    formatTable(
      summary.truths
        .filter((t) => t.relativeLift !== 0 || t.channel === null)
        .map((t) => ({
          metric: t.metric,
          variant: t.variant,
          channel: t.channel ?? 'all',
          control: t.controlMean.toFixed(4),
          treatment: t.treatmentMean.toFixed(4),
          'true lift': `${(t.relativeLift * 100).toFixed(1)}%`,
        })),
    ),
  );
  const results = await admin.get<{
    verdict: { decision: string; reason: string };
    channelAnalysis?: {
      fit: { summary: string; channels: { channel: string; advice: string; because: string }[] };
    };
  }>(`/api/admin/experiments/${EXPERIMENT.key}/results`);
  log(`\nVerdict: ${results.verdict.decision}. ${results.verdict.reason}`);
  const fit = results.channelAnalysis?.fit;
  if (fit && fit.channels.length > 0)
    log(
      `Where to ship (${fit.summary}): ${fit.channels.map((c) => `${c.channel} ${c.advice} (${c.because})`).join(', ')}`,
    );
  log(`Read it all: npx omnilab results ${EXPERIMENT.key}   (or in the console at ${url}/)`);
  return counts.rejected > 0 ? 1 : 0;
}

if (process.argv[1]?.endsWith('simulate.ts')) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  simulate(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error((e as Error).message);
      process.exitCode = 1;
    },
  );
}

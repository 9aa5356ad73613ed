/**
 * The HTTP APIs of the local platform under load with autocannon: the Unleash client API with and
 * without ETag revalidation, OFREP (bulk and one flag) and event ingestion, against a server in its
 * own process on DynamoDB Local, seeded with the same 200 features as the evaluation benchmarks.
 */
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import type { Feature } from '../shared';
import { DEFAULT_CHANNELS } from '../shared';
import { type PlatformProcess, startPlatformProcess } from './local-platform';
import { formatTable } from './measure';
import { generateFeatures } from './workload';

export interface ApiBenchRow {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers other than the one expected (200, or 304 when revalidating): 0 in a clean run. */
  unexpected: number;
  errors: number;
  connections: number;
  /** POST /api/events only: events answered accepted per second. */
  eventsPerSecond?: number;
}

export interface ApiBenchResult {
  flags: number;
  connections: number;
  durationSeconds: number;
  configCacheMs: number;
  rows: ApiBenchRow[];
}

const EVENTS_PER_REQUEST = 20;
/**
 * Senders of events at once: on one DynamoDB Local, 16 senders got fewer events/s than 2 in the load
 * soak, as transactions queue and collide; Lambda on DynamoDB scales out instead.
 */
const EVENT_CONNECTIONS = 4;

type Json = Record<string, unknown>;

async function call(p: PlatformProcess, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${p.url}${path}`, {
    method,
    headers: { authorization: token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { res, body: text ? (JSON.parse(text) as Json) : {} };
}

/**
 * Creates a flag. Admin writes race for the audit chain; a loser may hear 409 although nothing was
 * written, so a 409 is checked by reading the flag, and the create tried again when it is absent.
 */
async function create(p: PlatformProcess, name: string, body: Json): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${p.url}/api/admin/flags`, {
      method: 'POST',
      headers: { authorization: p.tokens.admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name, ...body }),
    });
    const text = await res.text();
    if (res.status === 201) return;
    const retry = res.status === 503 || res.status === 409;
    if (!retry || attempt > 10) throw new Error(`POST /api/admin/flags ${name}: ${res.status} ${text}`);
    if (res.status === 409) {
      const found = await fetch(`${p.url}/api/admin/flags/${encodeURIComponent(name)}`, {
        headers: { authorization: p.tokens.admin },
      });
      await found.arrayBuffer();
      if (found.status === 200) return;
    }
  }
}

/** The workload's features as omnilab flags on in development, each on the channels its constraint names. */
export async function seedFlags(p: PlatformProcess, features: Feature[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < features.length) {
      const f = features[next++];
      await create(p, f.name, {
        squad: `squad-${next % 12}`,
        ...(f.variants ? { variants: f.variants } : {}),
        environments: {
          development: {
            enabled: f.enabled,
            channels: Object.fromEntries(DEFAULT_CHANNELS.map((c) => [c, true])),
            strategies: f.strategies,
          },
        },
      });
    }
  };
  // Admin writes serialise on the audit chain: more writers only add retries.
  await Promise.all(Array.from({ length: 2 }, worker));
}

export async function seedExperiment(p: PlatformProcess): Promise<void> {
  await call(p, 'PUT', '/api/admin/metrics/loan_submitted', p.tokens.admin, {
    key: 'loan_submitted',
    name: 'Loan submitted',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  });
  const experiment = {
    key: 'bench-banner',
    name: 'Bench banner',
    hypothesis: 'The banner raises loan applications',
    squad: 'payments',
    environment: 'development',
    trafficPercent: 100,
    channels: [...DEFAULT_CHANNELS],
    variants: [
      { name: 'control', weight: 1 },
      { name: 'banner', weight: 1 },
    ],
    primaryMetric: 'loan_submitted',
    status: 'draft',
  };
  await call(p, 'PUT', '/api/admin/experiments/bench-banner', p.tokens.admin, experiment);
  await call(p, 'PUT', '/api/admin/experiments/bench-banner', p.tokens.admin, {
    ...experiment,
    status: 'running',
    version: 1,
  });
}

interface Target {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  expected: number;
  /** A fresh body per request (events need new ids, or they would all be duplicates). */
  nextBody?: () => string;
  onBody?: (body: string) => void;
  connections?: number;
}

function run(p: PlatformProcess, t: Target, connections: number, duration: number) {
  return autocannon({
    url: p.url,
    connections,
    duration,
    requests: [
      {
        method: t.method,
        path: t.path,
        headers: t.headers,
        ...(t.body !== undefined ? { body: t.body } : {}),
        ...(t.nextBody ? { setupRequest: (req) => ({ ...req, body: t.nextBody!() }) } : {}),
        ...(t.onBody ? { onResponse: (_status: number, body: string) => t.onBody!(body) } : {}),
      },
    ],
  });
}

export async function runApiBench(
  options: { durationSeconds?: number; connections?: number } = {},
): Promise<ApiBenchResult> {
  const duration = options.durationSeconds ?? 10;
  const connections = options.connections ?? 16;
  const configCacheMs = 1000;
  const db = await startDynamoDbLocal();
  const platform = await startPlatformProcess({
    endpoint: db.endpoint,
    tablePrefix: 'bench-api-',
    configCacheMs,
    tokenCacheMs: 5000,
  });
  try {
    const doc = generateFeatures(200);
    await seedFlags(platform, doc.features);
    await seedExperiment(platform);
    const client = { authorization: platform.tokens.client };
    const first = await call(platform, 'GET', '/api/client/features', platform.tokens.client);
    const served = (first.body.features as unknown[]).length;
    if (served < doc.features.length) throw new Error(`only ${served} features are served`);
    const etag = first.res.headers.get('etag');
    if (!etag) throw new Error('GET /api/client/features answered without an ETag');
    const ofrepBody = JSON.stringify({
      context: { targetingKey: 'c3-customer-42', channel: 'mobile', appVersion: '3.2.1', segmentScore: '70' },
    });
    const json = { ...client, 'content-type': 'application/json' };
    let sent = 0;
    let accepted = 0;
    const eventBatch = () => {
      const at = new Date().toISOString();
      const events = Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => {
        const n = sent++;
        const userId = `bench-${Math.floor(n / 2)}`;
        return i % 2 === 0
          ? {
              id: `x-${n}`,
              type: 'exposure',
              timestamp: at,
              userId,
              channel: DEFAULT_CHANNELS[n % 6],
              experiment: 'bench-banner',
              variant: n % 4 === 0 ? 'control' : 'banner',
            }
          : {
              id: `m-${n}`,
              type: 'metric',
              timestamp: at,
              userId,
              channel: DEFAULT_CHANNELS[(n + 1) % 6],
              metric: 'loan_submitted',
              value: 1,
            };
      });
      return JSON.stringify({ events });
    };
    const targets: Target[] = [
      {
        name: 'GET /api/client/features',
        method: 'GET',
        path: '/api/client/features',
        headers: client,
        expected: 200,
      },
      {
        name: 'GET /api/client/features, If-None-Match (304)',
        method: 'GET',
        path: '/api/client/features',
        headers: { ...client, 'if-none-match': etag },
        expected: 304,
      },
      {
        name: 'POST /ofrep/v1/evaluate/flags (200 flags)',
        method: 'POST',
        path: '/ofrep/v1/evaluate/flags',
        headers: json,
        body: ofrepBody,
        expected: 200,
      },
      {
        name: 'POST /ofrep/v1/evaluate/flags/{key}',
        method: 'POST',
        path: `/ofrep/v1/evaluate/flags/${encodeURIComponent(doc.features[3].name)}`,
        headers: json,
        body: ofrepBody,
        expected: 200,
      },
      {
        name: `POST /api/events (${EVENTS_PER_REQUEST} events each, ${EVENT_CONNECTIONS} connections)`,
        method: 'POST',
        path: '/api/events',
        headers: json,
        nextBody: eventBatch,
        onBody: (body) => {
          accepted += body.split('"accepted"').length - 1;
        },
        expected: 200,
        connections: EVENT_CONNECTIONS,
      },
    ];
    // JIT and connection warm-up, not measured.
    await run(platform, targets[0], connections, 3);
    const rows: ApiBenchRow[] = [];
    for (const t of targets) {
      accepted = 0;
      const r = await run(platform, t, t.connections ?? connections, duration);
      const ok = Number((r.statusCodeStats as Record<string, { count: number }>)[t.expected]?.count ?? 0);
      rows.push({
        name: t.name,
        connections: t.connections ?? connections,
        requestsPerSecond: r.requests.average,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        requests: r.requests.total,
        unexpected: r.requests.total - ok,
        errors: r.errors,
        ...(t.nextBody ? { eventsPerSecond: accepted / r.duration } : {}),
      });
    }
    return { flags: doc.features.length, connections, durationSeconds: duration, configCacheMs, rows };
  } finally {
    await platform.stop();
    await db.stop();
  }
}

export function formatApiBench(r: ApiBenchResult): string {
  const withEtag = r.rows.find((x) => x.name.includes('If-None-Match'));
  const without = r.rows.find((x) => x.name === 'GET /api/client/features');
  return [
    `HTTP APIs of the local platform (own process, DynamoDB Local): ${r.flags} flags, ${r.connections} connections, ${r.durationSeconds} s each, flags cached ${r.configCacheMs} ms as on Lambda`,
    formatTable(
      r.rows.map((x) => ({
        endpoint: x.name,
        'req/s': x.requestsPerSecond.toFixed(0),
        'p50 ms': x.p50Ms.toFixed(1),
        'p99 ms': x.p99Ms.toFixed(1),
        requests: x.requests,
        unexpected: x.unexpected + x.errors,
        'events/s': x.eventsPerSecond === undefined ? '' : x.eventsPerSecond.toFixed(0),
      })),
    ),
    withEtag && without
      ? `ETag revalidation: ${(withEtag.requestsPerSecond / without.requestsPerSecond).toFixed(1)}x the requests/s of a full read`
      : '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  runApiBench({ durationSeconds: Number(process.env.BENCH_API_SECONDS ?? 10) }).then((r) =>
    console.log(formatApiBench(r)),
  );
}

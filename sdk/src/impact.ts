/**
 * `@omnilab/sdk/impact`: impact metrics as Unleash's SDKs have them (counters, gauges, histograms
 * labelled by the flags a sample was taken under), sent as `impactMetrics` inside
 * `POST /api/client/metrics`, so release safeguards compare flag-on and flag-off traffic. Kept out
 * of the main entry: `createImpactMetrics(client, { url, clientKey, appName, channel })`.
 */
import type { OmnilabClient } from './create-client';
import type { FetchLike, SdkContext } from './types';

export interface ImpactMetricsOptions {
  url: string;
  clientKey: string;
  appName: string;
  /** The channel samples are filed under unless a context says another. */
  channel?: string;
  /** Send what was collected every this many ms (0: only on flush()). Default 60 000. */
  intervalMs?: number;
  fetch?: FetchLike;
}

/** The flags a sample is labelled with (each evaluated for `context`), as Unleash's `flagContext`. */
export interface FlagContext {
  flagNames: string[];
  context?: SdkContext;
}

export interface ImpactMetrics {
  defineCounter(name: string, help: string): void;
  incrementCounter(name: string, value?: number, flagContext?: FlagContext): void;
  defineGauge(name: string, help: string): void;
  updateGauge(name: string, value: number, flagContext?: FlagContext): void;
  defineHistogram(name: string, help: string, buckets?: number[]): void;
  observeHistogram(name: string, value: number, flagContext?: FlagContext): void;
  /** Sends what was collected since the last send; a failed send is kept and sent again first. */
  flush(): Promise<void>;
  close(): void;
}

/** Unleash's default histogram buckets. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;
interface Series {
  labels: Labels;
  value: number;
  count: number;
  counts: number[];
}
interface Metric {
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  buckets: number[];
  series: Map<string, Series>;
}

export function createImpactMetrics(client: OmnilabClient, options: ImpactMetricsOptions): ImpactMetrics {
  const metrics = new Map<string, Metric>();
  const fetchFn =
    options.fetch ?? ((url, init) => (globalThis as { fetch: FetchLike }).fetch.call(globalThis, url, init));
  const instanceId = `impact-${Math.random().toString(36).slice(2)}`;
  let last = new Date().toISOString();
  let unsent: string[] = [];

  const define = (type: Metric['type'], name: string, help: string, buckets: number[] = []) => {
    if (!metrics.has(name))
      metrics.set(name, { type, help, buckets: [...buckets].sort((a, b) => a - b), series: new Map() });
  };

  const labelsOf = (fc?: FlagContext): Labels => {
    const labels: Labels = { appName: options.appName };
    const channel = fc?.context?.channel ?? options.channel;
    if (channel) labels.channel = channel;
    for (const flag of fc?.flagNames ?? []) {
      // One evaluation per flag: the variant when there is one, else the flag's state.
      const variant = client.getVariant(flag, fc?.context);
      labels[flag] = variant.enabled ? variant.name : variant.feature_enabled ? 'enabled' : 'disabled';
    }
    return labels;
  };

  const seriesOf = (name: string, type: Metric['type'], fc?: FlagContext): [Metric, Series] | [] => {
    const m = metrics.get(name);
    if (!m || m.type !== type) return [];
    const labels = labelsOf(fc);
    const key = JSON.stringify(Object.entries(labels).sort());
    let s = m.series.get(key);
    if (!s) {
      s = { labels, value: 0, count: 0, counts: m.buckets.map(() => 0) };
      m.series.set(key, s);
    }
    return [m, s];
  };

  /** What was collected, in Unleash's wire form; counters and histograms start again from zero. */
  const collect = () => {
    const out = [];
    for (const [name, m] of metrics) {
      const samples = [...m.series.values()].map((s) =>
        m.type === 'histogram'
          ? {
              labels: s.labels,
              count: s.count,
              sum: s.value,
              buckets: [
                ...m.buckets.map((le, i) => ({ le, count: s.counts[i] })),
                { le: '+Inf' as const, count: s.count },
              ],
            }
          : { labels: s.labels, value: s.value },
      );
      if (m.type !== 'gauge') m.series.clear();
      if (samples.length > 0) out.push({ name, help: m.help, type: m.type, samples });
    }
    return out;
  };

  const send = async (body: string) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      Authorization: options.clientKey,
    };
    if (options.channel) headers['omnilab-channel'] = options.channel;
    // The connection id and the bucket's start name the batch: a resend counts once.
    headers['unleash-connection-id'] = instanceId;
    const res = await fetchFn(`${options.url}/api/client/metrics`, { method: 'POST', headers, body });
    // Refused as malformed (4xx) it would be refused again: dropped; unavailable, kept for a resend.
    if (res.status >= 500 || res.status === 429) throw new Error(`impact metrics: ${res.status}`);
  };

  const flush = async () => {
    const impactMetrics = collect();
    if (impactMetrics.length > 0) {
      let stop = new Date().toISOString();
      if (stop <= last) stop = new Date(Date.parse(last) + 1).toISOString();
      unsent.push(
        JSON.stringify({
          appName: options.appName,
          instanceId,
          bucket: { start: last, stop, toggles: {} },
          impactMetrics,
        }),
      );
      last = stop;
    }
    while (unsent.length > 0) {
      await send(unsent[0]);
      unsent = unsent.slice(1);
    }
  };

  const interval = options.intervalMs ?? 60_000;
  const timer = interval > 0 ? setInterval(() => void flush().catch(() => {}), interval) : undefined;
  (timer as { unref?: () => void } | undefined)?.unref?.();

  return {
    defineCounter: (name, help) => define('counter', name, help),
    defineGauge: (name, help) => define('gauge', name, help),
    defineHistogram: (name, help, buckets = DEFAULT_BUCKETS) => define('histogram', name, help, buckets),
    incrementCounter(name, value = 1, fc) {
      const [, s] = seriesOf(name, 'counter', fc);
      if (s && value >= 0) s.value += value;
    },
    updateGauge(name, value, fc) {
      const [, s] = seriesOf(name, 'gauge', fc);
      if (s) s.value = value;
    },
    observeHistogram(name, value, fc) {
      const [m, s] = seriesOf(name, 'histogram', fc);
      if (!m || !s) return;
      s.count++;
      s.value += value;
      m.buckets.forEach((le, i) => {
        if (value <= le) s.counts[i]++;
      });
    },
    flush,
    close() {
      if (timer) clearInterval(timer);
    },
  };
}

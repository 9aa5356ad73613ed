/**
 * The counts of one metrics batch, one per flag, app and channel: counts of the same flag, app and
 * channel are added together (a batch holds all of them), so a store writes each row and each
 * batch marker once per send, and a resend of the same counts adds up to the same thing.
 */
import type { ClientMetricsCount } from '../../shared/store/client-metrics-store';

/** What names a row of a batch: its flag, app and channel. */
export function countKey(c: Pick<ClientMetricsCount, 'flag' | 'appName' | 'channel'>): string {
  return JSON.stringify([c.flag, c.appName, c.channel]);
}

export function mergeClientMetricsCounts(counts: readonly ClientMetricsCount[]): ClientMetricsCount[] {
  // Maps, not objects: variant names are the SDK's (`__proto__` included).
  const merged = new Map<string, { count: ClientMetricsCount; variants: Map<string, number> }>();
  for (const c of counts) {
    const key = countKey(c);
    const into = merged.get(key);
    if (!into) {
      merged.set(key, { count: { ...c }, variants: new Map(Object.entries(c.variants)) });
      continue;
    }
    into.count.yes += c.yes;
    into.count.no += c.no;
    for (const [variant, n] of Object.entries(c.variants))
      into.variants.set(variant, (into.variants.get(variant) ?? 0) + n);
  }
  return [...merged.values()].map(({ count, variants }) => ({
    ...count,
    variants: Object.fromEntries(variants),
  }));
}

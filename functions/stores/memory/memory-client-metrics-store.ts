/**
 * The client metrics store in memory: the same contract as the DynamoDB one (counts per flag,
 * hour, app and channel, counts of the same flag, app and channel in one batch added together; a
 * batch counted once, a resend adding only what goes beyond what the batch already counted, per
 * flag, app and channel; a mark per environment, flag and hour evaluated; a
 * registration per app and instance, replaced when it registers again). Rows never expire.
 */
import type {
  ClientMetricsCount,
  ClientMetricsRow,
  ClientMetricsSeen,
  ClientMetricsStore,
  ClientRegistrationRow,
} from '../../../shared/store/client-metrics-store';
import { countKey, mergeClientMetricsCounts } from '../merge-client-metrics-counts';

interface Counted {
  yes: number;
  no: number;
  /** Maps, not objects: variant names are the SDK's (`__proto__` included). */
  variants: Map<string, number>;
}

interface Row {
  environment: string;
  flag: string;
  appName: string;
  channel: string;
  hour: string;
  yes: number;
  no: number;
  variants: Map<string, number>;
}

/** Code point order, as DynamoDB sorts keys (UTF-8 bytes). */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) ?? 0) - (y[i].codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

const key = (...parts: string[]) => JSON.stringify(parts);

export function createMemoryClientMetricsStore(): ClientMetricsStore {
  /** environment, flag -> sort key `${hour}#${app}#${channel}` -> row */
  const rows = new Map<string, Map<string, Row>>();
  /** environment, batch -> flag, app and channel (countKey) -> what the batch counted so far */
  const batches = new Map<string, Map<string, Counted>>();
  /** environment -> `${flag}#${hour}` -> mark */
  const seen = new Map<string, Map<string, ClientMetricsSeen>>();
  /** environment -> `${app}#${instance}` -> registration */
  const apps = new Map<string, Map<string, ClientRegistrationRow>>();

  function within<V>(outer: Map<string, Map<string, V>>, k: string): Map<string, V> {
    let inner = outer.get(k);
    if (!inner) {
      inner = new Map();
      outer.set(k, inner);
    }
    return inner;
  }

  function add(
    environment: string,
    hour: string,
    c: ClientMetricsCount,
    before: Counted | undefined,
  ): Counted {
    const over = (now: number, then = 0) => Math.max(0, now - then);
    const addYes = over(c.yes, before?.yes);
    const addNo = over(c.no, before?.no);
    const addVariants = new Map<string, number>();
    // The mark keeps the names this send carries, as the DynamoDB store's marker does.
    const mark: Counted = {
      yes: Math.max(c.yes, before?.yes ?? 0),
      no: Math.max(c.no, before?.no ?? 0),
      variants: new Map(),
    };
    for (const [variant, n] of Object.entries(c.variants)) {
      const then = before?.variants.get(variant);
      const d = over(n, then);
      if (d > 0) addVariants.set(variant, d);
      mark.variants.set(variant, Math.max(n, then ?? 0));
    }
    if (addYes === 0 && addNo === 0 && addVariants.size === 0) return before ?? mark;
    const byFlag = within(rows, key(environment, c.flag));
    const sk = `${hour}#${c.appName}#${c.channel}`;
    const row = byFlag.get(sk) ?? {
      environment,
      flag: c.flag,
      appName: c.appName,
      channel: c.channel,
      hour,
      yes: 0,
      no: 0,
      variants: new Map<string, number>(),
    };
    row.yes += addYes;
    row.no += addNo;
    for (const [variant, n] of addVariants) row.variants.set(variant, (row.variants.get(variant) ?? 0) + n);
    byFlag.set(sk, row);
    return mark;
  }

  return {
    async record(environment, hour, batch, counts) {
      const counted = within(batches, key(environment, batch));
      // Every count of the batch is judged against what the batch held before this send.
      const before = new Map(counted);
      for (const c of mergeClientMetricsCounts(counts))
        counted.set(countKey(c), add(environment, hour, c, before.get(countKey(c))));
      const marks = within(seen, environment);
      for (const c of counts) {
        if (c.yes + c.no > 0) marks.set(`${c.flag}#${hour}`, { environment, flag: c.flag, hour });
      }
    },
    async listByFlag(environment, flag) {
      const byFlag = rows.get(key(environment, flag)) ?? new Map<string, Row>();
      return [...byFlag.entries()]
        .sort(([a], [b]) => byCodePoint(a, b))
        .map(
          ([, r]): ClientMetricsRow => ({
            environment: r.environment,
            flag: r.flag,
            appName: r.appName,
            channel: r.channel,
            hour: r.hour,
            yes: r.yes,
            no: r.no,
            variants: Object.fromEntries(r.variants),
          }),
        );
    },
    async listSeen(environment) {
      return [...(seen.get(environment) ?? new Map<string, ClientMetricsSeen>()).entries()]
        .sort(([a], [b]) => byCodePoint(a, b))
        .map(([, mark]) => ({ ...mark }));
    },
    async register(environment, registration, seenAt) {
      const row: ClientRegistrationRow = { ...structuredClone(registration), environment, seenAt };
      // Absent, not undefined: what the DynamoDB store reads back.
      for (const [k, v] of Object.entries(row)) if (v === undefined) Reflect.deleteProperty(row, k);
      within(apps, environment).set(`${registration.appName}#${registration.instanceId}`, row);
    },
    async listApplications(environment) {
      return [...(apps.get(environment) ?? new Map<string, ClientRegistrationRow>()).entries()]
        .sort(([a], [b]) => byCodePoint(a, b))
        .map(([, r]) => structuredClone(r));
    },
  };
}

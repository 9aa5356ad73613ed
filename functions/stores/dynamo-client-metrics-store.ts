/**
 * Client metrics in DynamoDB: one row per flag, hour, app and channel with ADDed counts, and per
 * batch a marker per flag, app and channel of what was counted, written in the same transaction as
 * the count (counts of the same flag, app and channel in one batch are added together first: two
 * writes to one marker in one transaction would be refused). Once
 * a batch is counted, a mark per environment, flag and hour that it was evaluated (idempotent, so
 * a resend writes it again harmlessly): every flag's lifecycle reads them in one query.
 */
import { createHash } from 'node:crypto';
import { ServiceUnavailableError } from '../../shared/model/errors';
import type {
  ClientMetricsCount,
  ClientMetricsRow,
  ClientMetricsSeen,
  ClientMetricsStore,
  ClientRegistrationRow,
} from '../../shared/store/client-metrics-store';
import {
  BatchWriteCommand,
  type DynamoDocumentClient,
  PutCommand,
  TransactWriteCommand,
} from '../aws/dynamodb-document';
import { TransactionCanceledException } from '../aws/dynamodb-errors';
import { MAX_TRANSACTION_ITEMS, queryAll, type TransactItem } from './dynamo-support';
import { countKey, mergeClientMetricsCounts } from './merge-client-metrics-counts';

const VARIANT_PREFIX = 'variant:';
/** A flag's row update and its batch marker go together: this many flags per transaction. */
const PAIRS_PER_TRANSACTION = MAX_TRANSACTION_ITEMS / 2;
/** Concurrent requests of one batch are rare (a resend racing the first): a few tries settle them. */
const ATTEMPTS = 5;

interface Counted {
  yes: number;
  no: number;
  variants: Record<string, number>;
  n: number;
}

/**
 * What a batch counted so far: per flag, app and channel (countKey), and, from markers written
 * before they named app and channel (one per flag, when a batch was one app's and channel's), per flag.
 */
interface CountedSoFar {
  own: Map<string, Counted>;
  legacy: Map<string, Counted>;
}

/** The marker's sort key: a digest, as flag, app and channel together may be longer than a sort key takes. */
const markerKey = (c: ClientMetricsCount) =>
  `g#${createHash('sha256').update(countKey(c)).digest('base64url')}`;

const batchKey = (environment: string, batch: string) => `batch#${environment}#${batch}`;
const seenKey = (environment: string) => `seen#${environment}`;
/** DynamoDB's limit of items per BatchWriteItem. */
const BATCH_WRITE_ITEMS = 25;

/**
 * A registration's sort key: app and instance, or their digest when that is longer than the
 * 1,024 bytes DynamoDB takes in a sort key (200 characters of Chinese each are 1,201 bytes).
 */
function registrationKey(appName: string, instanceId: string): string {
  const key = `${appName}#${instanceId}`;
  return Buffer.byteLength(key, 'utf8') <= 1000
    ? key
    : `sha256#${createHash('sha256').update(key).digest('hex')}`;
}

export function createDynamoClientMetricsStore(
  doc: DynamoDocumentClient,
  tables: { metrics: string },
  retentionDays: number,
): ClientMetricsStore {
  const expiresAt = (from: string) => Math.floor(Date.parse(from) / 1000) + retentionDays * 86_400;
  /** What the store counted so far for each flag of a batch, and the version it was written at. */
  async function countedSoFar(environment: string, batch: string): Promise<CountedSoFar> {
    const items = await queryAll<Record<string, unknown>>(doc, {
      TableName: tables.metrics,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': batchKey(environment, batch) },
      ConsistentRead: true,
    });
    const soFar: CountedSoFar = { own: new Map(), legacy: new Map() };
    for (const i of items) {
      const counted: Counted = {
        yes: Number(i.yes ?? 0),
        no: Number(i.no ?? 0),
        variants: JSON.parse(String(i.variants ?? '{}')) as Record<string, number>,
        n: Number(i.n ?? 0),
      };
      const flag = String(i.flag);
      if (i.appName === undefined) soFar.legacy.set(flag, counted);
      else soFar.own.set(countKey({ flag, appName: String(i.appName), channel: String(i.channel) }), counted);
    }
    return soFar;
  }

  /** What the batch counted so far for `c`: its own marker's, else a marker from before they named app and channel. */
  function before(
    soFar: CountedSoFar,
    c: ClientMetricsCount,
  ): { counted: Counted; own: boolean } | undefined {
    const own = soFar.own.get(countKey(c));
    if (own) return { counted: own, own: true };
    const legacy = soFar.legacy.get(c.flag);
    return legacy ? { counted: legacy, own: false } : undefined;
  }

  /** The row update and the batch marker for one flag, app and channel: the part of `c` not yet counted, and the new mark. */
  function itemsFor(
    environment: string,
    hour: string,
    batch: string,
    c: ClientMetricsCount,
    was: { counted: Counted; own: boolean } | undefined,
    withVariants: boolean,
  ) {
    const before = was?.counted;
    const over = (now: number, then = 0) => Math.max(0, now - then);
    // Maps, not objects: variant names are the SDK's (`__proto__` included).
    const seen = new Map(Object.entries(before?.variants ?? {}));
    const addVariants = new Map<string, number>();
    // The mark keeps the names this send carries (a resent bucket carries all it carried before), so
    // it stays as small as one batch however often a batch is sent.
    const markVariants = new Map<string, number>();
    for (const [variant, n] of Object.entries(c.variants)) {
      const d = over(n, seen.get(variant));
      if (d > 0) addVariants.set(variant, d);
      markVariants.set(variant, Math.max(n, seen.get(variant) ?? 0));
    }
    const add = { yes: over(c.yes, before?.yes), no: over(c.no, before?.no) };
    const mark = { yes: Math.max(c.yes, before?.yes ?? 0), no: Math.max(c.no, before?.no ?? 0) };
    if (add.yes === 0 && add.no === 0 && addVariants.size === 0) return [];
    const names: Record<string, string> = { '#y': 'yes', '#n': 'no', '#hour': 'hour' };
    const values: Record<string, unknown> = {
      ':y': add.yes,
      ':n': add.no,
      ':env': environment,
      ':flag': c.flag,
      ':app': c.appName,
      ':channel': c.channel,
      ':hour': hour,
      ':exp': expiresAt(hour),
    };
    const adds = ['#y :y', '#n :n'];
    [...(withVariants ? addVariants : [])].forEach(([variant, n], i) => {
      names[`#v${i}`] = `${VARIANT_PREFIX}${variant}`;
      values[`:v${i}`] = n;
      adds.push(`#v${i} :v${i}`);
    });
    const row: TransactItem = {
      Update: {
        TableName: tables.metrics,
        Key: { pk: `flag#${environment}#${c.flag}`, sk: `${hour}#${c.appName}#${c.channel}` },
        UpdateExpression: `ADD ${adds.join(', ')} SET environment = :env, flag = :flag, appName = :app, channel = :channel, #hour = :hour, expiresAt = :exp`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
    const marker: TransactItem = {
      Put: {
        TableName: tables.metrics,
        Item: {
          pk: batchKey(environment, batch),
          sk: markerKey(c),
          flag: c.flag,
          appName: c.appName,
          channel: c.channel,
          yes: mark.yes,
          no: mark.no,
          // A string, not a map: variant names are the SDK's, and a map would take them as attribute names.
          variants: JSON.stringify(Object.fromEntries(markVariants)),
          n: (before?.n ?? 0) + 1,
          expiresAt: expiresAt(hour),
        },
        // Another request of the same batch got there first: read again rather than count twice.
        ...(before && was?.own
          ? {
              ConditionExpression: '#m = :m',
              ExpressionAttributeNames: { '#m': 'n' },
              ExpressionAttributeValues: { ':m': before.n },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    };
    return [row, marker];
  }

  /** Marks each flag the counts evaluated as seen in the environment and hour (a Put: idempotent). */
  async function markSeen(environment: string, hour: string, counts: readonly ClientMetricsCount[]) {
    const flags = [...new Set(counts.filter((c) => c.yes + c.no > 0).map((c) => c.flag))];
    for (let i = 0; i < flags.length; i += BATCH_WRITE_ITEMS) {
      let requests: { PutRequest: { Item: Record<string, unknown> } }[] = flags
        .slice(i, i + BATCH_WRITE_ITEMS)
        .map((flag) => ({
          PutRequest: {
            Item: {
              pk: seenKey(environment),
              sk: `${flag}#${hour}`,
              environment,
              flag,
              hour,
              expiresAt: expiresAt(hour),
            },
          },
        }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt >= ATTEMPTS)
          throw new ServiceUnavailableError(
            'client metrics were counted but not marked seen: send them again',
          );
        if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tables.metrics]: requests } }));
        requests = (out.UnprocessedItems?.[tables.metrics] ?? []).flatMap((r) =>
          r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
        );
      }
    }
  }

  return {
    async record(environment, hour, batch, counts) {
      // Rows too full to take more variant names (a flood of made-up names): counted without them.
      const full = new Set<string>();
      const merged = mergeClientMetricsCounts(counts);
      for (let attempt = 0; ; attempt++) {
        const counted = await countedSoFar(environment, batch);
        const pairs = merged
          .map((c) => ({
            key: countKey(c),
            items: itemsFor(environment, hour, batch, c, before(counted, c), !full.has(countKey(c))),
          }))
          .filter((p) => p.items.length > 0);
        let chunk: typeof pairs = [];
        try {
          // Each flag's count commits with its batch marker, so whatever part of a batch is stored,
          // a retry of it adds only the rest. Most batches fit one transaction: all or nothing.
          for (let i = 0; i < pairs.length; i += PAIRS_PER_TRANSACTION) {
            chunk = pairs.slice(i, i + PAIRS_PER_TRANSACTION);
            await doc.send(new TransactWriteCommand({ TransactItems: chunk.flatMap((p) => p.items) }));
          }
          // After the counts: a failure here fails the request, and the SDK's resend adds no count.
          await markSeen(environment, hour, counts);
          return;
        } catch (e) {
          if (!(e instanceof TransactionCanceledException)) throw e;
          const reasons = e.CancellationReasons ?? [];
          const raced = reasons.some(
            (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
          );
          // A row refused (over DynamoDB's item size): its yes/no still count, its new variant names not.
          const refused = reasons.flatMap((r, k) =>
            r.Code === 'ValidationError' ? [chunk[Math.floor(k / 2)]?.key] : [],
          );
          const newlyFull = refused.filter((f): f is string => f !== undefined && !full.has(f));
          if (!raced && newlyFull.length === 0) throw e;
          for (const f of newlyFull) full.add(f);
          if (attempt + 1 >= ATTEMPTS)
            throw new ServiceUnavailableError(
              'the same metrics batch is being counted concurrently: send it again',
            );
          if (raced) await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        }
      }
    },
    async listByFlag(environment, flag) {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.metrics,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `flag#${environment}#${flag}` },
      });
      return items.map((i): ClientMetricsRow => {
        const variants: Record<string, number> = {};
        for (const [k, v] of Object.entries(i)) {
          if (k.startsWith(VARIANT_PREFIX)) variants[k.slice(VARIANT_PREFIX.length)] = Number(v);
        }
        return {
          environment: String(i.environment),
          flag: String(i.flag),
          appName: String(i.appName),
          channel: String(i.channel),
          hour: String(i.hour),
          yes: Number(i.yes ?? 0),
          no: Number(i.no ?? 0),
          variants,
        };
      });
    },
    async listSeen(environment) {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.metrics,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': seenKey(environment) },
      });
      return items.map(
        (i): ClientMetricsSeen => ({
          environment: String(i.environment),
          flag: String(i.flag),
          hour: String(i.hour),
        }),
      );
    },
    async register(environment, registration, seenAt) {
      await doc.send(
        new PutCommand({
          TableName: tables.metrics,
          Item: {
            pk: `app#${environment}`,
            sk: registrationKey(registration.appName, registration.instanceId),
            ...registration,
            environment,
            seenAt,
            expiresAt: expiresAt(seenAt),
          },
        }),
      );
    },
    async listApplications(environment) {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.metrics,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `app#${environment}` },
      });
      return items.map((i) => {
        const { pk: _pk, sk: _sk, expiresAt: _e, ...rest } = i;
        return rest as unknown as ClientRegistrationRow;
      });
    },
  };
}

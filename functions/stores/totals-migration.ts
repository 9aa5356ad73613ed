/**
 * Totals migration: statistics stored before the running totals (`TOTAL#` items) were kept have
 * only their day items (`CELL#`), and once an experiment has any totals, results read only the
 * totals, so its earlier events would count in no result. This writes, per cell, the part of the
 * days' sum the totals lack (days − totals) as one more total item, `TOTAL#<variant>#<channel>#pre`.
 *
 * Every ingestion transaction adds the same change to a day item and to a total, so days − totals
 * is exactly what was stored before totals existed, provided both are read at one point in time:
 * the totals are read before and after the days, and the pair is used only when nothing changed
 * them in between (else it is read again). Each `pre` item is written only if absent, and a
 * cell whose days and totals agree gets none, so running it again changes nothing; a mark item
 * (`MIGRATION` / `TOTALS#v1`) lets later calls return after one read. Locally `npm start` runs it
 * after creating the tables; on AWS the scheduled function runs it on its first invocation.
 */

import { addVectors, cellKey, parseCellKey, type StatsVector } from '../../shared/experiments/unit-state';
import { type DynamoDbClient, GetItemCommand, PutItemCommand } from '../aws/dynamodb-client';
import { DAY_SK_PREFIX, decodeStat, statsPk, TOTAL_SK_PREFIX, toItem } from './event-store/codecs';
import { queryPrefix } from './event-store/reads';

export const TOTALS_MIGRATION_MARK = { pk: 'MIGRATION', sk: 'TOTALS#v1' } as const;
/** The sort key's shard of the totals a migration writes. */
export const MIGRATED_SHARD = 'pre';

/** Thrown when ingestion kept changing an experiment's totals on every read (run it again later). */
export class TotalsMigrationBusyError extends Error {
  readonly code = 'TOTALS_MIGRATION_BUSY';
  constructor(readonly experiment: string) {
    super(`the totals of ${experiment} changed on every read: run the migration again`);
    this.name = 'TotalsMigrationBusyError';
  }
}

export interface ExperimentTotalsMigration {
  experiment: string;
  /** Cells whose totals lacked part of their days: one `pre` item written for each. */
  migrated: number;
  /** Cells whose totals already held their days. */
  unchanged: number;
}

export interface TotalsMigrationReport {
  /** The mark was there: nothing was read beyond it. */
  alreadyDone: boolean;
  experiments: ExperimentTotalsMigration[];
}

/** Sums statistic items by cell (variant and channel are the sort key's 2nd and 3rd parts). */
async function sumByCell(
  client: DynamoDbClient,
  table: string,
  experiment: string,
  prefix: string,
): Promise<Map<string, StatsVector>> {
  const cells = new Map<string, StatsVector>();
  for (const raw of await queryPrefix(client, table, statsPk(experiment), prefix)) {
    const [sk, v] = decodeStat(raw);
    const [, variant, channel] = sk.split('#');
    addVectors(cells, new Map([[cellKey(experiment, variant, channel), v]]));
  }
  return cells;
}

function sameCells(a: ReadonlyMap<string, StatsVector>, b: ReadonlyMap<string, StatsVector>): boolean {
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const key of keys) {
    const x = a.get(key) ?? new Map<string, bigint>();
    const y = b.get(key) ?? new Map<string, bigint>();
    for (const f of new Set([...x.keys(), ...y.keys()]))
      if ((x.get(f) ?? 0n) !== (y.get(f) ?? 0n)) return false;
  }
  return true;
}

/** days − totals, field by field, zeros left out. */
function missing(days: StatsVector | undefined, totals: StatsVector | undefined): StatsVector {
  const out: StatsVector = new Map();
  const d = days ?? new Map<string, bigint>();
  const t = totals ?? new Map<string, bigint>();
  for (const f of new Set([...d.keys(), ...t.keys()])) {
    const n = (d.get(f) ?? 0n) - (t.get(f) ?? 0n);
    if (n !== 0n) out.set(f, n);
  }
  return out;
}

/** One experiment's cells, by the rule above. */
export async function migrateExperimentTotals(
  client: DynamoDbClient,
  table: string,
  experiment: string,
  attempts = 5,
): Promise<ExperimentTotalsMigration> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const before = await sumByCell(client, table, experiment, TOTAL_SK_PREFIX);
    const days = await sumByCell(client, table, experiment, DAY_SK_PREFIX);
    const after = await sumByCell(client, table, experiment, TOTAL_SK_PREFIX);
    if (!sameCells(before, after)) continue;
    let migrated = 0;
    let unchanged = 0;
    for (const cell of new Set([...days.keys(), ...after.keys()])) {
      const delta = missing(days.get(cell), after.get(cell));
      if (delta.size === 0) {
        unchanged++;
        continue;
      }
      const { variant, channel } = parseCellKey(cell);
      const fields: Record<string, string> = {};
      for (const [f, n] of delta) fields[f] = n.toString();
      try {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              ...toItem({
                pk: statsPk(experiment),
                sk: `${TOTAL_SK_PREFIX}${variant}#${channel}#${MIGRATED_SHARD}`,
              }),
              // Totals are exact integers beyond a float's range: written as DynamoDB numbers from strings.
              ...Object.fromEntries(Object.entries(fields).map(([f, n]) => [f, { N: n }])),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        migrated++;
      } catch (e) {
        // Another run wrote this cell's item since the read: its totals are complete.
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
        unchanged++;
      }
    }
    return { experiment, migrated, unchanged };
  }
  throw new TotalsMigrationBusyError(experiment);
}

/**
 * Every experiment of the catalogue, once, then the mark. The keys come from the experiment store
 * rather than a scan of the events table, so no function needs the right to scan it; an
 * experiment deleted from the catalogue has no results to read.
 */
export async function migrateTotals(
  client: DynamoDbClient,
  table: string,
  experimentKeys: readonly string[],
): Promise<TotalsMigrationReport> {
  const mark = await client.send(
    new GetItemCommand({ TableName: table, Key: toItem(TOTALS_MIGRATION_MARK), ConsistentRead: true }),
  );
  if (mark.Item) return { alreadyDone: true, experiments: [] };
  const experiments: ExperimentTotalsMigration[] = [];
  for (const experiment of [...new Set(experimentKeys)].sort()) {
    experiments.push(await migrateExperimentTotals(client, table, experiment));
  }
  await client.send(
    new PutItemCommand({
      TableName: table,
      Item: toItem(TOTALS_MIGRATION_MARK),
    }),
  );
  return { alreadyDone: false, experiments };
}

// One contract, two implementations each of the experiment and metric stores: in memory and DynamoDB write conditionally on the version, and an experiment changes with the flags it drives or not at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAuditStore } from '../../functions/stores/dynamo-audit-store';
import {
  createDynamoExperimentStore,
  createDynamoMetricStore,
} from '../../functions/stores/dynamo-experiment-store';
import { createDynamoFlagStore } from '../../functions/stores/dynamo-flag-store';
import { createMemoryAuditLog } from '../../functions/stores/memory/memory-audit-log';
import {
  createMemoryExperimentStore,
  createMemoryMetricStore,
} from '../../functions/stores/memory/memory-experiment-store';
import { createMemoryFlagStore } from '../../functions/stores/memory/memory-flag-store';
import type { Flag } from '../../shared/model/flag';
import type { AuditStore } from '../../shared/store/audit-store';
import type {
  ExperimentStore,
  MetricStore,
  StoredExperiment,
  StoredMetric,
} from '../../shared/store/experiment-store';
import type { FlagStore } from '../../shared/store/flag-store';
import { experiment as definition } from '../results/fixtures';
import { type DynamoFixture, dynamoFixture } from './stores';

let dynamo: DynamoFixture;
beforeAll(async () => {
  dynamo = await dynamoFixture('experiments');
});
afterAll(() => dynamo?.client.destroy());

interface Stores {
  experiments: ExperimentStore;
  metrics: MetricStore;
  flags: FlagStore;
  audit: AuditStore;
}

const IMPLEMENTATIONS: [string, () => Stores][] = [
  [
    'in memory',
    () => {
      const log = createMemoryAuditLog();
      const flags = createMemoryFlagStore(log);
      return {
        experiments: createMemoryExperimentStore(log, flags),
        metrics: createMemoryMetricStore(log),
        flags,
        audit: log.store,
      };
    },
  ],
  [
    'DynamoDB',
    () => ({
      experiments: createDynamoExperimentStore(dynamo.doc, dynamo.tables),
      metrics: createDynamoMetricStore(dynamo.doc, dynamo.tables),
      flags: createDynamoFlagStore(dynamo.doc, dynamo.tables),
      audit: createDynamoAuditStore(dynamo.doc, dynamo.tables),
    }),
  ],
];

const AT = '2026-12-01T12:00:00.000Z';

function slotFlag(name: string, version: number): Flag {
  return {
    name,
    description: 'drives the experiment',
    squad: 'lending',
    type: 'experiment',
    tags: [],
    impressionData: true,
    dependencies: [],
    variants: [],
    environments: { production: { enabled: true, channels: { web: true }, strategies: [] } },
    archived: false,
    version,
    createdAt: AT,
    updatedAt: AT,
  };
}

describe.each(IMPLEMENTATIONS)('the experiment and metric store contracts: %s', (impl, make) => {
  const tag = impl === 'DynamoDB' ? 'd' : 'm';

  it('an experiment and its flags change together, or not at all', async () => {
    const { experiments, flags, audit } = make();
    const key = `${tag}-loan-banner`;
    const stored: StoredExperiment = {
      ...definition({ key }),
      version: 1,
      createdAt: AT,
      updatedAt: AT,
      haltedChannels: [],
    };
    const flag = slotFlag(`${key}-slot`, 1);
    await experiments.write(
      stored,
      null,
      [{ flag, expectedVersion: null }],
      [
        {
          id: `${key}-a1`,
          at: AT,
          actor: 'contract-test',
          action: 'experiment.created',
          target: { type: 'experiment', id: key },
          environments: ['production'],
          before: null,
          after: stored,
        },
      ],
    );
    expect(await experiments.get(key)).toEqual(stored);
    expect(await flags.get(flag.name)).toEqual(flag);
    expect((await experiments.list()).filter((e) => e.key === key)).toEqual([stored]);
    expect((await audit.listByTarget('experiment', key)).map((e) => e.id)).toEqual([`${key}-a1`]);

    // A stale flag refuses the experiment's write too, and the reverse.
    const next = { ...stored, name: 'renamed', version: 2 };
    await expect(
      experiments.write(next, 1, [{ flag: slotFlag(flag.name, 2), expectedVersion: 4 }], []),
    ).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
      message: `experiment ${key} was changed by someone else: read it again and retry`,
    });
    await expect(
      experiments.write(next, 3, [{ flag: slotFlag(flag.name, 2), expectedVersion: 1 }], []),
    ).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    expect(await experiments.get(key)).toEqual(stored);
    expect(await flags.get(flag.name)).toEqual(flag);

    await experiments.write(next, 1, [{ flag: slotFlag(flag.name, 2), expectedVersion: 1 }], []);
    expect(await experiments.get(key)).toEqual(next);
    expect((await flags.get(flag.name))?.version).toBe(2);
  });

  it('a metric is written at the version read, or refused', async () => {
    const { metrics } = make();
    const metric: StoredMetric = {
      key: `${tag}-complaints`,
      name: 'Complaints',
      kind: 'count',
      direction: 'lower-is-better',
      unit: 'complaints',
      version: 1,
      createdAt: AT,
      updatedAt: AT,
    };
    await metrics.write(metric, null, []);
    await expect(metrics.write(metric, null, [])).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    await expect(metrics.write({ ...metric, version: 2 }, 5, [])).rejects.toMatchObject({
      message: `metric ${metric.key} was changed by someone else: read it again and retry`,
    });
    expect(await metrics.get(metric.key)).toEqual(metric);
    expect(await metrics.get('no-such-metric')).toBeNull();
    expect((await metrics.list()).filter((m) => m.key === metric.key)).toEqual([metric]);
  });
});

import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  ClientMetricsRow,
  ClientMetricsStore,
  ClientRegistrationRow,
} from '../../shared/store/client-metrics-store';
import { queryAll } from './dynamo-support';

const VARIANT_PREFIX = 'variant:';
/** Updates in flight at once: enough to hide latency, few enough not to throttle a small table. */
const PARALLEL = 8;

export function createDynamoClientMetricsStore(
  doc: DynamoDBDocumentClient,
  tables: { metrics: string },
  retentionDays: number,
): ClientMetricsStore {
  const expiresAt = (from: string) => Math.floor(Date.parse(from) / 1000) + retentionDays * 86_400;
  return {
    async record(environment, hour, counts) {
      const updates = counts.map((c) => {
        const names: Record<string, string> = { '#y': 'yes', '#n': 'no' };
        const values: Record<string, unknown> = {
          ':y': c.yes,
          ':n': c.no,
          ':env': environment,
          ':flag': c.flag,
          ':app': c.appName,
          ':channel': c.channel,
          ':hour': hour,
          ':exp': expiresAt(hour),
        };
        const adds = ['#y :y', '#n :n'];
        Object.entries(c.variants).forEach(([variant, n], i) => {
          names[`#v${i}`] = `${VARIANT_PREFIX}${variant}`;
          values[`:v${i}`] = n;
          adds.push(`#v${i} :v${i}`);
        });
        return new UpdateCommand({
          TableName: tables.metrics,
          Key: { pk: `flag#${environment}#${c.flag}`, sk: `${hour}#${c.appName}#${c.channel}` },
          UpdateExpression: `ADD ${adds.join(', ')} SET environment = :env, flag = :flag, appName = :app, channel = :channel, #hour = :hour, expiresAt = :exp`,
          ExpressionAttributeNames: { ...names, '#hour': 'hour' },
          ExpressionAttributeValues: values,
        });
      });
      for (let i = 0; i < updates.length; i += PARALLEL) {
        await Promise.all(updates.slice(i, i + PARALLEL).map((u) => doc.send(u)));
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
    async register(environment, registration, seenAt) {
      await doc.send(
        new PutCommand({
          TableName: tables.metrics,
          Item: {
            pk: `app#${environment}`,
            sk: `${registration.appName}#${registration.instanceId}`,
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

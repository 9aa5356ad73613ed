/**
 * `@omnilab/sdk/otel`: one `feature_flag.evaluation` event per evaluation, with the semantic
 * conventions' attributes, through a logger the caller passes in; never an exposure; no customer
 * id unless asked for.
 */
import { OpenFeature } from '@openfeature/server-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type OmnilabClientInternals } from '../../sdk/src/index';
import { OmnilabProvider } from '../../sdk/src/openfeature-server';
import { type OtelLogger, otelEvaluationHook, withOtelEvaluations } from '../../sdk/src/otel-hook';
import { sampleDocument } from '../sdk/flag-server';

const make = () =>
  createClient({ appName: 'bff', channel: 'mobile', bootstrap: sampleDocument() }) as OmnilabClientInternals;

type Emitted = Parameters<OtelLogger['emit']>[0];
const recorder = () => {
  const records: Emitted[] = [];
  return { records, logger: { emit: (r: Emitted) => records.push(r) } };
};

afterEach(async () => {
  await OpenFeature.close();
});

describe('withOtelEvaluations', () => {
  it('emits feature_flag.evaluation for isEnabled, getVariant and evaluate, answers unchanged', () => {
    const plain = make();
    const { records, logger } = recorder();
    const client = withOtelEvaluations(make(), logger, { setId: 'production' });
    const ctx = { userId: 'CUST-0001' };
    expect(client.isEnabled('new-checkout', ctx)).toBe(plain.isEnabled('new-checkout', ctx));
    expect(client.getVariant('transfer-button', ctx)).toEqual(plain.getVariant('transfer-button', ctx));
    expect(client.evaluate('no-such-flag', ctx).errorCode).toBe('FLAG_NOT_FOUND');
    expect(records.map((r) => r.eventName)).toEqual([
      'feature_flag.evaluation',
      'feature_flag.evaluation',
      'feature_flag.evaluation',
    ]);
    expect(records[0].attributes).toEqual({
      'feature_flag.key': 'new-checkout',
      'feature_flag.provider.name': 'omnilab',
      'feature_flag.result.reason': plain.evaluate('new-checkout', ctx).reason.toLowerCase(),
      'feature_flag.result.value': true,
      'feature_flag.set.id': 'production',
    });
    expect(records[1].attributes['feature_flag.result.variant']).toBe(
      plain.getVariant('transfer-button', ctx).name,
    );
    expect(records[2].attributes).toMatchObject({
      'feature_flag.key': 'no-such-flag',
      'feature_flag.result.reason': 'error',
      'error.type': 'flag_not_found',
    });
    // No customer id unless asked for.
    expect(JSON.stringify(records)).not.toContain('CUST-0001');
    plain.close();
    client.close();
  });

  it('is not an exposure: it queues no event; the customer id only with includeContextId', () => {
    const { records, logger } = recorder();
    const base = make();
    const client = withOtelEvaluations(base, logger, { includeContextId: true });
    const before = base.stats().queued;
    for (let i = 0; i < 5; i++) client.isEnabled('new-checkout', { userId: `CUST-${i}` });
    expect(base.stats().queued).toBe(before);
    expect(records.map((r) => r.attributes['feature_flag.context.id'])).toEqual([
      'CUST-0',
      'CUST-1',
      'CUST-2',
      'CUST-3',
      'CUST-4',
    ]);
    base.close();
  });

  it('a logger that throws never changes an answer', () => {
    const client = withOtelEvaluations(make(), {
      emit: () => {
        throw new Error('exporter down');
      },
    });
    expect(client.isEnabled('new-checkout', { userId: 'c1' })).toBe(true);
    client.close();
  });
});

describe('otelEvaluationHook (OpenFeature)', () => {
  it('emits one event per OpenFeature evaluation through the omnilab provider', async () => {
    const { records, logger } = recorder();
    await OpenFeature.setProviderAndWait(
      new OmnilabProvider({ appName: 'bff', channel: 'mobile', bootstrap: sampleDocument() }),
    );
    const client = OpenFeature.getClient();
    client.addHooks(otelEvaluationHook(logger));
    expect(await client.getBooleanValue('new-checkout', false, { targetingKey: 'c1' })).toBe(true);
    const variant = await client.getStringValue('transfer-button', '', { targetingKey: 'c1' });
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      eventName: 'feature_flag.evaluation',
      attributes: { 'feature_flag.key': 'new-checkout', 'feature_flag.result.value': true },
    });
    expect(records[1].attributes['feature_flag.key']).toBe('transfer-button');
    expect(
      records[1].attributes['feature_flag.result.variant'] ??
        records[1].attributes['feature_flag.result.value'],
    ).toBeDefined();
    expect(variant).toMatch(/^(blue|green)$/);
    expect(JSON.stringify(records)).not.toContain('"c1"');
  });
});

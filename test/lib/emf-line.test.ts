/** The EMF line the functions write (functions/runtime/metrics.ts): what CloudWatch needs to extract each counter. */
import { describe, expect, it } from 'vitest';
import { type BusinessMetric, emfLine } from '../../functions/runtime/metrics';

describe('emfLine', () => {
  it('declares every counter it carries, once, as a Count under namespace omnilab with its dimensions', () => {
    const values = new Map<BusinessMetric, number>([
      ['EventsAccepted', 3],
      ['EventsRejected', 1],
    ]);
    const line = JSON.parse(emfLine(values, 'omnilab-prod-', 1_796_000_000_000));
    expect(line).toEqual({
      _aws: {
        Timestamp: 1_796_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'omnilab',
            Dimensions: [['service', 'deployment']],
            Metrics: [
              { Name: 'EventsAccepted', Unit: 'Count' },
              { Name: 'EventsRejected', Unit: 'Count' },
            ],
          },
        ],
      },
      service: 'omnilab',
      deployment: 'omnilab-prod-',
      EventsAccepted: 3,
      EventsRejected: 1,
    });
  });
});

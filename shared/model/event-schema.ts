/** Zod schemas for `POST /api/events`: a batch is checked whole, then each event on its own. */
import { MAX_EVENTS_PER_BATCH } from './event';
import * as z from './zod';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

const base = {
  id: text(128),
  timestamp: z.iso.datetime({ offset: true }),
  userId: text(256),
  channel: text(50),
  appName: z.optional(text(100)),
  properties: z.optional(
    z
      .record(text(100), z.string().check(z.maxLength(256)))
      .check(z.refine((p) => Object.keys(p).length <= 20, 'has more than 20 entries')),
  ),
};

export const exposureEventSchema = z.strictObject({
  ...base,
  type: z.literal('exposure'),
  experiment: text(100),
  variant: text(100),
});

export const metricEventSchema = z.strictObject({
  ...base,
  type: z.literal('metric'),
  metric: text(100),
  /** Optional for a count metric, whose event then counts 1; required for every other kind. */
  value: z.optional(z.number()),
});

/** Links an anonymous or device id to the customer id (`userId`); kept raw, counted in no statistic. */
export const identifyEventSchema = z.strictObject({
  ...base,
  type: z.literal('identify'),
  anonymousId: text(256),
});

export const eventSchema = z.discriminatedUnion('type', [
  exposureEventSchema,
  metricEventSchema,
  identifyEventSchema,
]);

/** The batch envelope only: events are validated one by one so a bad one never blocks the rest. */
export const eventBatchSchema = z.strictObject({
  events: z.array(z.unknown()).check(z.minLength(1), z.maxLength(MAX_EVENTS_PER_BATCH)),
});

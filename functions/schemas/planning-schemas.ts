/** The query of `GET /api/admin/metrics/{key}/power`: the traffic and duration an experiment expects. */
import * as z from '../../shared/model/zod';

const flag = z.pipe(
  z.enum(['true', 'false']),
  z.transform((v) => v === 'true'),
);

export const metricPowerQuerySchema = z.strictObject({
  /** Units expected to enter per day, all variants together. */
  dailyUnits: z.coerce.number().check(z.gt(0), z.lte(1e9)),
  days: z.coerce.number().check(z.gt(0), z.lte(3650)),
  /** Variants including the control (2 by default). */
  variants: z.optional(z.coerce.number().check(z.int(), z.gte(2), z.lte(20))),
  alpha: z.optional(z.coerce.number().check(z.gt(0), z.lt(1))),
  sequential: z.optional(flag),
  power: z.optional(z.coerce.number().check(z.gt(0), z.lt(1))),
  /** Without history: the conversion rate (0 to 1), or the mean and the per-unit standard deviation. */
  baselineRate: z.optional(z.coerce.number().check(z.gt(0), z.lt(1))),
  baselineMean: z.optional(z.coerce.number()),
  baselineSd: z.optional(z.coerce.number().check(z.gt(0))),
});

export type MetricPowerQuery = z.infer<typeof metricPowerQuerySchema>;

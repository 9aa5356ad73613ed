/** The query of `GET /api/admin/metrics/{key}/power`: the traffic and duration an experiment expects. */
import * as z from 'zod';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const metricPowerQuerySchema = z.strictObject({
  /** Units expected to enter per day, all variants together. */
  dailyUnits: z.coerce.number().positive().max(1e9),
  days: z.coerce.number().positive().max(3650),
  /** Variants including the control (2 by default). */
  variants: z.coerce.number().int().min(2).max(20).optional(),
  alpha: z.coerce.number().gt(0).lt(1).optional(),
  sequential: flag.optional(),
  power: z.coerce.number().gt(0).lt(1).optional(),
  /** Without history: the conversion rate (0 to 1), or the mean and the per-unit standard deviation. */
  baselineRate: z.coerce.number().gt(0).lt(1).optional(),
  baselineMean: z.coerce.number().optional(),
  baselineSd: z.coerce.number().positive().optional(),
});

export type MetricPowerQuery = z.infer<typeof metricPowerQuerySchema>;

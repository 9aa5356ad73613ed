/** The query of `GET /api/admin/data-quality`: the environment, and the received days to report. */
import * as z from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD');

export const dataQualityQuerySchema = z.strictObject({
  environment: z.string().min(1).max(100),
  /** First received day (UTC), default six days before `to`. */
  from: day.optional(),
  /** Last received day (UTC), default today. */
  to: day.optional(),
});

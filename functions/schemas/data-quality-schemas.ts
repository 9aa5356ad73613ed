/** The query of `GET /api/admin/data-quality`: the environment, and the received days to report. */
import * as z from '../../shared/model/zod';

const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD'));

export const dataQualityQuerySchema = z.strictObject({
  environment: z.string().check(z.minLength(1), z.maxLength(100)),
  /** First received day (UTC), default six days before `to`. */
  from: z.optional(day),
  /** Last received day (UTC), default today. */
  to: z.optional(day),
});

/** The body of `POST /api/admin/experiments/{key}/backfill`. */
import { keySchema } from '../../shared/model/experiment-schema';
import * as z from '../../shared/model/zod';

export const backfillSchema = z.strictObject({
  /** Catalogue metric keys; absent or empty: every metric the experiment names. */
  metrics: z.optional(z.array(keySchema).check(z.maxLength(50))),
  /** Attribute anonymous ids' events to the customer an identify event links them to (first touch). */
  stitch: z.optional(z.boolean()),
});

export type BackfillBody = z.infer<typeof backfillSchema>;

/** The body of `POST /api/admin/experiments/{key}/backfill`. */
import * as z from 'zod';
import { keySchema } from '../../shared/model/experiment-schema';

export const backfillSchema = z.strictObject({
  /** Catalogue metric keys; absent or empty: every metric the experiment names. */
  metrics: z.array(keySchema).max(50).optional(),
  /** Attribute anonymous ids' events to the customer an identify event links them to (first touch). */
  stitch: z.boolean().optional(),
});

export type BackfillBody = z.infer<typeof backfillSchema>;

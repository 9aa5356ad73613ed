/** The query of an experiment's results and their history: one channel, or all of them. */
import * as z from '../../shared/model/zod';

export const resultsQuerySchema = z.strictObject({
  channel: z.optional(z.string().check(z.minLength(1), z.maxLength(50))),
});

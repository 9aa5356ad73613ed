/**
 * Request schemas of the Unleash client and frontend APIs and OFREP. These are open (unknown fields
 * pass): SDKs add fields over time and must never be refused for it.
 */
import * as z from '../../shared/model/zod';

const count = z.number().check(z.int(), z.gte(0));

/** Variants one flag's count may name: far more than a flag can have (100, and its strategies'). */
export const MAX_METRICS_VARIANTS = 200;

/**
 * Toggles one metrics batch may name: as many as the largest document omnilab imports (10,000
 * features). Lower would refuse legitimate batches: an environment may serve more than 1,000 flags,
 * and some SDKs (unleash-client-python before 3.6.2) report every toggle of their document. Names
 * the environment does not serve are dropped before anything is stored (see recordMetrics).
 */
export const MAX_METRICS_TOGGLES = 10_000;

export const clientMetricsSchema = z.looseObject({
  appName: z.string().check(z.minLength(1), z.maxLength(200)),
  instanceId: z.optional(z.string().check(z.maxLength(200))),
  /** omnilab's own SDK says which channel it runs on; Unleash SDKs use the `omnilab-channel` header. */
  channel: z.optional(z.string().check(z.maxLength(50))),
  bucket: z.looseObject({
    start: z.optional(z.union([z.string(), z.number()])),
    stop: z.optional(z.union([z.string(), z.number()])),
    toggles: z
      .record(
        z.string().check(z.maxLength(200)),
        z.looseObject({
          yes: count,
          no: count,
          variants: z.optional(
            z.record(z.string().check(z.maxLength(100)), count).check(
              z.refine((v) => Object.keys(v).length <= MAX_METRICS_VARIANTS, {
                message: `has more than ${MAX_METRICS_VARIANTS} variants`,
              }),
            ),
          ),
        }),
      )
      .check(
        z.refine((t) => Object.keys(t).length <= MAX_METRICS_TOGGLES, {
          message: `names more than ${MAX_METRICS_TOGGLES} toggles`,
        }),
      ),
  }),
});

export const clientRegisterSchema = z.looseObject({
  appName: z.string().check(z.minLength(1), z.maxLength(200)),
  instanceId: z.optional(z.string().check(z.maxLength(200))),
  sdkVersion: z.optional(z.string().check(z.maxLength(100))),
  strategies: z.optional(z.array(z.string())),
  started: z.optional(z.union([z.string(), z.number()])),
  interval: z.optional(z.number()),
  channel: z.optional(z.string().check(z.maxLength(50))),
});

const contextValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const frontendRequestSchema = z.looseObject({
  context: z.optional(
    z.looseObject({
      properties: z.optional(z.record(z.string(), contextValue)),
    }),
  ),
});

export const ofrepRequestSchema = z.looseObject({
  context: z.optional(z.record(z.string(), z.unknown())),
});

export type ClientMetrics = z.infer<typeof clientMetricsSchema>;
export type ClientRegister = z.infer<typeof clientRegisterSchema>;
export type FrontendRequest = z.infer<typeof frontendRequestSchema>;
export type OfrepRequest = z.infer<typeof ofrepRequestSchema>;

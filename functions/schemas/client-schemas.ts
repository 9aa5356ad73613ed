/**
 * Request schemas of the Unleash client and frontend APIs and OFREP. These are open (unknown fields
 * pass): SDKs add fields over time and must never be refused for it.
 */
import * as z from 'zod';

const count = z.number().int().min(0);

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
  appName: z.string().min(1).max(200),
  instanceId: z.string().max(200).optional(),
  /** omnilab's own SDK says which channel it runs on; Unleash SDKs use the `omnilab-channel` header. */
  channel: z.string().max(50).optional(),
  bucket: z.looseObject({
    start: z.union([z.string(), z.number()]).optional(),
    stop: z.union([z.string(), z.number()]).optional(),
    toggles: z
      .record(
        z.string().max(200),
        z.looseObject({
          yes: count,
          no: count,
          variants: z
            .record(z.string().max(100), count)
            .refine((v) => Object.keys(v).length <= MAX_METRICS_VARIANTS, {
              message: `has more than ${MAX_METRICS_VARIANTS} variants`,
            })
            .optional(),
        }),
      )
      .refine((t) => Object.keys(t).length <= MAX_METRICS_TOGGLES, {
        message: `names more than ${MAX_METRICS_TOGGLES} toggles`,
      }),
  }),
});

export const clientRegisterSchema = z.looseObject({
  appName: z.string().min(1).max(200),
  instanceId: z.string().max(200).optional(),
  sdkVersion: z.string().max(100).optional(),
  strategies: z.array(z.string()).optional(),
  started: z.union([z.string(), z.number()]).optional(),
  interval: z.number().optional(),
  channel: z.string().max(50).optional(),
});

const contextValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const frontendRequestSchema = z.looseObject({
  context: z
    .looseObject({
      properties: z.record(z.string(), contextValue).optional(),
    })
    .optional(),
});

export const ofrepRequestSchema = z.looseObject({
  context: z.record(z.string(), z.unknown()).optional(),
});

export type ClientMetrics = z.infer<typeof clientMetricsSchema>;
export type ClientRegister = z.infer<typeof clientRegisterSchema>;
export type FrontendRequest = z.infer<typeof frontendRequestSchema>;
export type OfrepRequest = z.infer<typeof ofrepRequestSchema>;

/** OFREP's `eventStreams` (ADR-0008): where a provider hears of a change instead of polling. */

/** How long an OFREP provider waits, once the app is idle again, before it re-fetches. */
export const OFREP_INACTIVITY_DELAY_SEC = 120;

/** The `eventStreams` a bulk evaluation answer offers: the SSE route of functions/handlers/client-streaming-handler.ts. */
export function ofrepEventStreams() {
  return [
    {
      type: 'sse',
      endpoint: { requestUri: '/ofrep/v1/sse' },
      inactivityDelaySec: OFREP_INACTIVITY_DELAY_SEC,
    },
  ];
}

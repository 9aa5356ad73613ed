/**
 * An app on an official Unleash SDK sends omnilab its experiment exposures by forwarding the
 * SDK's `impression` events (omnilab turns impression data on for experiment flags). Works with
 * `unleash-client` in Node and `unleash-proxy-client` in the browser: both emit the same shape.
 * Tested in test/experiments-api/unleash-impressions.test.ts.
 */
interface Impression {
  /** Set by unleash-proxy-client; unleash-client in Node sends none. */
  eventId?: string;
  featureName: string;
  variant?: string;
  context: { userId?: string; properties?: Record<string, string | undefined> };
}

export function forwardImpressions(
  sdk: { on(event: 'impression', listener: (e: Impression) => void): unknown },
  omnilab: { url: string; clientKey: string; channel: string },
): () => Promise<void> {
  let queue: object[] = [];
  const seen = new Set<string>();
  sdk.on('impression', (e) => {
    const userId = e.context.userId;
    const channel = e.context.properties?.channel ?? omnilab.channel;
    const key = `${e.featureName}/${userId}/${channel}`;
    if (!userId || !e.variant || e.variant === 'disabled' || seen.has(key)) return;
    seen.add(key);
    queue.push({
      id: e.eventId ?? crypto.randomUUID(),
      type: 'exposure',
      timestamp: new Date().toISOString(),
      userId,
      channel,
      experiment: e.featureName,
      variant: e.variant,
      properties: e.context.properties,
    });
  });
  // Call it on a timer and before exit; event ids make a retried batch count once.
  return async () => {
    const events = queue.splice(0, 500);
    if (events.length === 0) return;
    const res = await fetch(`${omnilab.url}/api/events`, {
      method: 'POST',
      headers: { authorization: omnilab.clientKey, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    if (!res.ok) queue = [...events, ...queue];
  };
}

/** The bank's channels, in the order the console shows them. Configurable per deployment. */
export const DEFAULT_CHANNELS = ['mobile', 'web', 'branch', 'call_center', 'wechat', 'atm'] as const;

export type DefaultChannel = (typeof DEFAULT_CHANNELS)[number];

/** The context field that carries the channel, both in omnilab's context and in Unleash constraints. */
export const CHANNEL_FIELD = 'channel';

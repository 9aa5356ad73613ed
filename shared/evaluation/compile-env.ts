/**
 * What every compile step reads besides the document: the clock, randomness, the host, segments,
 * hidden-field readers. Names ending in `_` are internal (the SDK build shortens them).
 */
import type { Context, Segment } from '../model/client-features';
import type { HiddenFieldReaders } from './hidden-readers';

export interface CompileEnv {
  now_: () => number;
  random: () => number;
  hostname_: string | undefined;
  segments_: Map<number, Segment>;
  hidden_: HiddenFieldReaders | undefined;
  /** The sticky id of rollouts with `stickiness: default`, one function for the whole document. */
  stickyId_: (ctx: Context) => string;
  /** The sticky seed of variants with `stickiness: default`, one function for the whole document. */
  variantSeed_: (ctx: Context) => string;
  /** What each REGEX constraint of the flag being compiled may spend (set per flag in compile.ts). */
  regexShare_?: number;
}

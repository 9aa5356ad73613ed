/** What every compile step reads besides the document: the clock, randomness, the host, segments, hidden-field readers. */
import type { Segment } from '../model/client-features';
import type { HiddenFieldReaders } from './hidden-readers';

export interface CompileEnv {
  now: () => number;
  random: () => number;
  hostname: string | undefined;
  segments: Map<number, Segment>;
  hidden: HiddenFieldReaders | undefined;
}

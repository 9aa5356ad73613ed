/**
 * Words that match the state, per flag type. A kill-switch flag guards the bank: on means the
 * protection is on (the risky path is blocked), so it reads "protection on / off", never "Killed",
 * and its master switch is not the red kill switch release flags have.
 */
import type { Flag } from './types';

export function isProtection(flag: Pick<Flag, 'type'>): boolean {
  return flag.type === 'kill-switch';
}

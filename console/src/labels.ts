/** Words for values the API may grow (metric kinds, statuses, types): the value itself when the console has no word for it yet. */
import { DICTIONARIES, type MessageKey, type Translate } from './i18n';

export function labelOf(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return key in DICTIONARIES.en ? t(key as MessageKey) : value;
}

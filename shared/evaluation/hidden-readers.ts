/**
 * Hidden targeting support for the evaluator (`compile(doc, { hiddenTargeting: hiddenReaders })`):
 * readers of the hashed context values of a document served to an app key. One reader per hidden
 * field, shared by every constraint, user list and override on it, remembering its last value, so
 * a customer's id is hashed once however many flags target it (and once across evaluations for
 * the same customer, as an app evaluates). Kept apart from compile.ts so that the SDK's main entry
 * does not carry SHA-256: apps that use an app key add it (`@omnilab/sdk/hidden-targeting`).
 */
import type { HiddenTargeting } from '../model/client-features';
import type { ContextReader } from './context-value';
import { contextReader } from './context-value';
import { DocumentError } from './document-error';
import { hideValue } from './sha256';

/** A context field's reader: of its hashed value for a hidden field, else of the value itself. */
export type HiddenFieldReaders = (field: string) => ContextReader;

export function hiddenReaders(hidden: HiddenTargeting): HiddenFieldReaders {
  if (typeof hidden !== 'object' || hidden === null)
    throw new DocumentError('hiddenTargeting', 'must be an object');
  const { salt, fields } = hidden;
  if (typeof salt !== 'string') throw new DocumentError('hiddenTargeting.salt', 'must be a string');
  if (!Array.isArray(fields)) throw new DocumentError('hiddenTargeting.fields', 'must be an array');
  const readers = new Map<string, ContextReader>();
  for (const field of fields) {
    const read = contextReader(field);
    let last: string | undefined;
    let hash: string | undefined;
    readers.set(field, (ctx) => {
      const v = read(ctx);
      if (v !== last) {
        last = v;
        hash = v === undefined ? v : hideValue(salt, v);
      }
      return hash;
    });
  }
  return (field) => readers.get(field) ?? contextReader(field);
}

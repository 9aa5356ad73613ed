/**
 * The projection of a served document for keys that ship in apps (client tokens with
 * `audience: 'app'`): targeting values on sensitive context fields (customer ids, account numbers)
 * are served as salted hashes, so no browser or mini program receives a customer list.
 *
 * On a sensitive field:
 * - `IN` / `NOT_IN` values, variant overrides, and `userWithId`'s `userIds` (when `userId` is
 *   sensitive) become `hideValue(salt, value)`; the evaluator hashes the context's value to compare
 *   (`document.hiddenTargeting`), so every answer is the same as from the plain document;
 * - `DATE_AFTER` / `DATE_BEFORE` are served as they are: their value is a time, never the field's;
 * - every other operator (`STR_*`, `NUM_*`, `SEMVER_*`, `REGEX`, `IN_CIDR`, and operators this
 *   version does not know) cannot be compared by hash, so the constraint is withheld: served with
 *   no value under an operator no evaluator knows, it never matches, inverted or not. Such a flag
 *   must be evaluated on the server (frontend API, OFREP) to target by that field in an app.
 *
 * Pure: the salt is given, the hash is the evaluator's own (shared/evaluation/sha256.ts).
 */

import { hideValue } from '../evaluation/sha256';
import type {
  ClientFeaturesDocument,
  Constraint,
  Feature,
  Strategy,
  VariantDefinition,
} from './client-features';

/** The context fields hidden unless configured otherwise (`OMNILAB_SENSITIVE_FIELDS`). */
export const DEFAULT_SENSITIVE_FIELDS: readonly string[] = ['userId', 'customerId', 'accountNumber'];

/** What a withheld constraint is served as: unknown to every evaluator, so it never matches. */
export const WITHHELD_OPERATOR = 'OMNILAB_WITHHELD';

export interface HideTargetingOptions {
  /** Served in the document: random-looking and different per document. */
  salt: string;
  /** The sensitive context fields. */
  fields: readonly string[];
  /**
   * `hideValue` unless given: the server passes node:crypto's SHA-256, the same digest, faster on
   * lists of thousands of customers.
   */
  hash?: (salt: string, value: string) => string;
}

function hide(o: HideTargetingOptions, value: string): string {
  return (o.hash ?? hideValue)(o.salt, value);
}

const PLAIN_OPERATORS: readonly string[] = ['DATE_AFTER', 'DATE_BEFORE'];

function hideConstraint(c: Constraint, o: HideTargetingOptions): Constraint {
  if (!o.fields.includes(c.contextName)) return c;
  if (PLAIN_OPERATORS.includes(c.operator)) return c;
  const { values, value: _value, ...rest } = c;
  if (c.operator === 'IN' || c.operator === 'NOT_IN') {
    // As the evaluator reads them: empty entries dropped, the others trimmed.
    const hidden: string[] = [];
    for (const v of values ?? []) if (v) hidden.push(hide(o, String(v).trim()));
    return { ...rest, values: hidden };
  }
  return { contextName: c.contextName, operator: WITHHELD_OPERATOR, values: [] };
}

function hideConstraints(cs: Constraint[] | undefined, o: HideTargetingOptions): Constraint[] | undefined {
  return cs?.map((c) => hideConstraint(c, o));
}

function hideStrategy(s: Strategy, o: HideTargetingOptions): Strategy {
  const out: Strategy = { ...s };
  if (s.constraints) out.constraints = hideConstraints(s.constraints, o);
  const userIds = s.parameters?.userIds;
  if (s.name === 'userWithId' && o.fields.includes('userId') && userIds !== undefined && userIds !== null) {
    // As the evaluator splits them: comma-separated, trimmed, empty entries dropped.
    const ids = String(userIds)
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .map((v) => hide(o, v));
    out.parameters = { ...s.parameters, userIds: ids.join(',') };
  }
  return out;
}

function hideVariant(v: VariantDefinition, o: HideTargetingOptions): VariantDefinition {
  if (!v.overrides) return v;
  return {
    ...v,
    overrides: v.overrides.map((ov) =>
      o.fields.includes(ov.contextName)
        ? {
            contextName: ov.contextName,
            // A value that is not a string never equals a context value: it is dropped.
            values: (ov.values ?? []).filter((x) => typeof x === 'string').map((x) => hide(o, x)),
          }
        : ov,
    ),
  };
}

function hideFeature(f: Feature, o: HideTargetingOptions): Feature {
  const out: Feature = { ...f };
  if (f.strategies) out.strategies = f.strategies.map((s) => hideStrategy(s, o));
  if (f.variants) out.variants = f.variants.map((v) => hideVariant(v, o));
  return out;
}

/** The document an app key is served: the same answers for every context, no sensitive value in clear. */
export function hideTargeting(
  doc: ClientFeaturesDocument,
  options: HideTargetingOptions,
): ClientFeaturesDocument {
  const out: ClientFeaturesDocument = {
    ...doc,
    features: doc.features.map((f) => hideFeature(f, options)),
    hiddenTargeting: { salt: options.salt, fields: [...options.fields] },
  };
  if (doc.segments)
    out.segments = doc.segments.map((s) => ({
      ...s,
      constraints: hideConstraints(s.constraints, options) ?? [],
    }));
  return out;
}

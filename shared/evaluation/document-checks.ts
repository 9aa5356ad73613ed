/**
 * The checks a client-features document passes before it is compiled: each feature, strategy,
 * constraint, variant and segment has the shape the evaluator reads, or a DocumentError names the
 * first field that does not. The SDK bundles this file instead of the server's zod schemas, so
 * repetition costs bytes: every check goes through the few helpers below.
 */
import type { Constraint, Feature, Segment } from '../model/client-features';
import { DocumentError } from './document-error';

export function fail(field: string, message: string): never {
  throw new DocumentError(field, message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function need(ok: boolean, field: string, what: string): void {
  if (!ok) fail(field, `must be ${what}`);
}

export function object(v: unknown, field: string): Record<string, unknown> {
  need(isObject(v), field, 'an object');
  return v as Record<string, unknown>;
}

export function text(v: unknown, field: string): void {
  need(typeof v === 'string', field, 'a string');
}

/** An optional array: absent is empty. */
export function list(v: unknown, field: string): unknown[] {
  if (v === undefined || v === null) return [];
  need(Array.isArray(v), field, 'an array');
  return v as unknown[];
}

/** Checks each entry of an optional array as an object, with its path. */
function each(
  items: unknown,
  path: string,
  check: (item: Record<string, unknown>, at: string) => void,
): void {
  list(items, path).forEach((item, i) => {
    const at = `${path}[${i}]`;
    check(object(item, at), at);
  });
}

function checkConstraints(items: unknown, path: string): Constraint[] {
  each(items, path, (c, at) => {
    text(c.contextName, `${at}.contextName`);
    text(c.operator, `${at}.operator`);
    list(c.values, `${at}.values`);
  });
  return (items ?? []) as Constraint[];
}

function checkVariants(items: unknown, path: string): void {
  each(items, path, (v, at) => {
    text(v.name, `${at}.name`);
    // Number.isFinite is false for anything but a number: no typeof needed.
    need(Number.isFinite(v.weight) && (v.weight as number) >= 0, `${at}.weight`, 'a number of 0 or more');
  });
}

export function checkFeature(input: unknown, path: string): Feature {
  const f = object(input, path);
  need(typeof f.name === 'string' && f.name !== '', `${path}.name`, 'a non-empty string');
  need(typeof f.enabled === 'boolean', `${path}.enabled`, 'a boolean');
  each(f.strategies, `${path}.strategies`, (s, at) => {
    text(s.name, `${at}.name`);
    if (s.parameters !== undefined && s.parameters !== null) object(s.parameters, `${at}.parameters`);
    checkConstraints(s.constraints, `${at}.constraints`);
    checkVariants(s.variants, `${at}.variants`);
    list(s.segments, `${at}.segments`);
  });
  checkVariants(f.variants, `${path}.variants`);
  list(f.dependencies, `${path}.dependencies`).forEach((d, i) => {
    // Read on anything JSON can hold: null and non-objects have no feature.
    text((d as { feature?: unknown } | null)?.feature, `${path}.dependencies[${i}].feature`);
  });
  return f as unknown as Feature;
}

export function checkSegment(input: unknown, path: string): Segment {
  const s = object(input, path);
  need(typeof s.id === 'number', `${path}.id`, 'a number');
  return {
    ...(s as unknown as Segment),
    constraints: checkConstraints(s.constraints, `${path}.constraints`),
  };
}

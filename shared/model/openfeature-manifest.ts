/**
 * The OpenFeature CLI's manifest (`GET /openfeature/v0/manifest`, the CLI's sync API v0): each flag
 * that is not archived with the type OFREP resolves it to, so `openfeature pull` then `generate`
 * give typed accessors. A flag whose variants all carry JSON payloads is an `object`, all whole
 * numbers an `integer`, any other payloads a `string`; a flag without payloads a `boolean`. Pure.
 */
import type { Flag } from './flag';

export interface ManifestFlag {
  key: string;
  name: string;
  type: 'boolean' | 'string' | 'integer' | 'object';
  description: string | null;
  defaultValue: boolean | string | number | Record<string, unknown>;
}

function typeOf(flag: Flag): ManifestFlag['type'] {
  const payloads = [flag.variants, ...Object.values(flag.environments).map((e) => e.variants ?? [])]
    .flat()
    .flatMap((v) => (v.payload ? [v.payload] : []));
  if (payloads.length === 0) return 'boolean';
  if (payloads.every((p) => p.type === 'json')) return 'object';
  if (payloads.every((p) => p.type === 'number' && Number.isInteger(Number(p.value)))) return 'integer';
  return 'string';
}

const DEFAULTS = { boolean: false, string: '', integer: 0, object: {} } as const;

export function toOpenFeatureManifest(flags: readonly Flag[]): { flags: ManifestFlag[] } {
  return {
    flags: flags
      .filter((f) => !f.archived)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((f) => {
        const type = typeOf(f);
        return {
          key: f.name,
          name: f.name,
          type,
          description: f.description || null,
          defaultValue: DEFAULTS[type],
        };
      }),
  };
}

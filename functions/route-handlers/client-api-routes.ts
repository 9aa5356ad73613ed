/** The Unleash client API, wire-compatible with unmodified Unleash server SDKs. */

import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import { type ApiRequest, json, type RouteHandlers } from '../http/api-types';
import type { CLIENT_API_ROUTES } from '../routes/client-api-routes';
import type { Runtime } from '../runtime/composition-root';
import { matchesEtag, recordMetrics, register } from '../services/client-metrics';
import { etagOf, type ServedConfig } from '../services/served-config';

/** SDKs from client spec 4.2.0 on read segments at the top level; older ones need them inlined. */
export function supportsGlobalSegments(spec: string | undefined): boolean {
  if (!spec) return false;
  const [major = 0, minor = 0] = spec.split('.').map((n) => Number.parseInt(n, 10));
  if (Number.isNaN(major) || Number.isNaN(minor)) return false;
  return major > 4 || (major === 4 && minor >= 2);
}

/** `type:value` as Unleash reads it (the first colon splits); a bare value is of type `simple`. */
function tagPair(t: string): [string, string] {
  const at = t.indexOf(':');
  return at > 0 ? [t.slice(0, at), t.slice(at + 1)] : ['simple', t];
}

/**
 * The client-features document a request is served (its key's environment and audience, its
 * `namePrefix`, `project` and `tag` filters): the same for polling, delta and streaming.
 */
export async function clientDocumentFor(
  servedConfig: ServedConfig,
  req: Pick<ApiRequest, 'principal' | 'headers' | 'query'>,
): Promise<{ document: ClientFeaturesDocument; body: string; etag: string }> {
  const environment = req.principal.environment!;
  const inlineSegments = !supportsGlobalSegments(req.headers['unleash-client-spec']);
  // A key that ships in apps is always served hashed sensitive values: its holder cannot opt out.
  const hideTargeting = req.principal.audience === 'app';
  const served = await servedConfig.document(environment, { inlineSegments, hideTargeting });
  let { body, etag } = served;
  const { namePrefix, project, tag } = req.query;
  if (namePrefix || project || tag) {
    // As Unleash: repeated `project` and `tag` (`type:value`) arrive comma-joined; a flag passes
    // with any one of the projects and any one of the tags.
    const projects = project?.split(',');
    const tags = tag ? tag.split(',').map(tagPair) : undefined;
    const wanted = new Set(tags?.map(([t, v]) => `${t}:${v}`));
    const tagged = (name: string) =>
      (served.tags?.get(name) ?? []).some((t) => wanted.has(t.includes(':') ? t : `simple:${t}`));
    const features = served.document.features.filter(
      (f) =>
        (!namePrefix || f.name.startsWith(namePrefix)) &&
        (!projects || projects.includes(f.project ?? '')) &&
        (!tags || tagged(f.name)),
    );
    const query = { namePrefix, project: projects, ...(tags ? { tag: tags } : {}) };
    const document = { ...served.document, features, query };
    body = JSON.stringify(document);
    return { document, body, etag: etagOf(body) };
  }
  return { document: served.document, body, etag };
}

export function clientApiRoutes(runtime: Runtime): RouteHandlers<typeof CLIENT_API_ROUTES> {
  return {
    'GET /api/client/features': async (req) => {
      const { body, etag } = await clientDocumentFor(runtime.served, req);
      const headers = { etag, 'cache-control': 'no-cache' };
      if (matchesEtag(req.headers['if-none-match'], etag)) return { status: 304, headers };
      return json(200, body, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    },
    'POST /api/client/register': (req) => register(runtime, req),
    'POST /api/client/metrics': (req) => recordMetrics(runtime, req),
  };
}

/**
 * Which function owns each route a change request can hold: where an edit's restage goes
 * (./restage-protocol.ts). Plain strings, so admin-governance bundles none of the governed route
 * declarations or their schemas; test/governance/restage-dispatch.test.ts checks it equals what
 * `ROUTES` (functions/routes/routes.ts) says, route for route. Backfill is left out: it computes
 * statistics and never holds a change request.
 */

/** The functions a restage may be sent to, by their route declarations' `function`. */
export const RESTAGE_OWNERS = [
  'admin-flags',
  'admin-segments',
  'admin-experiments',
  'admin-environments',
  'admin-tokens',
  'admin-releases',
] as const;

export type RestageOwner = (typeof RESTAGE_OWNERS)[number];

export const ROUTE_OWNERS: Readonly<Record<string, RestageOwner>> = {
  'POST /api/admin/flags': 'admin-flags',
  'PUT /api/admin/flags/{name}': 'admin-flags',
  'PUT /api/admin/flags/{name}/environments/{env}': 'admin-flags',
  'PUT /api/admin/flags/{name}/environments/{env}/channels/{channel}': 'admin-flags',
  'POST /api/admin/segments': 'admin-segments',
  'PUT /api/admin/segments/{id}': 'admin-segments',
  'PUT /api/admin/experiments/{key}': 'admin-experiments',
  'PUT /api/admin/metrics/{key}': 'admin-experiments',
  'POST /api/admin/experiments/{key}/resume': 'admin-experiments',
  'POST /api/admin/experiments/{key}/rollout-plan': 'admin-experiments',
  'POST /api/admin/environments': 'admin-environments',
  'POST /api/admin/environments/{env}/import': 'admin-environments',
  'PUT /api/admin/environments/{env}': 'admin-environments',
  'POST /api/admin/import/unleash/plan': 'admin-environments',
  'POST /api/admin/import/unleash': 'admin-environments',
  'POST /api/admin/import/appconfig/plan': 'admin-environments',
  'POST /api/admin/import/appconfig': 'admin-environments',
  'POST /api/admin/tokens': 'admin-tokens',
  'DELETE /api/admin/tokens/{id}': 'admin-tokens',
  'POST /api/admin/release-templates': 'admin-releases',
  'PUT /api/admin/release-templates/{id}': 'admin-releases',
  'PUT /api/admin/flags/{name}/environments/{env}/release-plan': 'admin-releases',
  'POST /api/admin/flags/{name}/environments/{env}/release-plan/{action}': 'admin-releases',
  'POST /api/admin/flags/{name}/promote': 'admin-releases',
  'PUT /api/admin/flags/{name}/lifecycle': 'admin-releases',
};

/** The function a stored change request's route belongs to; undefined for any other key. */
export function ownerOf(routeKey: string): RestageOwner | undefined {
  return Object.hasOwn(ROUTE_OWNERS, routeKey) ? ROUTE_OWNERS[routeKey] : undefined;
}

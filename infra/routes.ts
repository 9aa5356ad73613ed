/** The route list moved to functions/routes/routes.ts (declared per function there); this path re-exports it for importers not yet moved. */
export { type Access, type HttpMethod, ROUTES, type Route, routeKey } from '../functions/routes/routes';

/**
 * The headers every API answer carries, decided once for Lambda and for the local server: CORS
 * (admin routes only for the console's origins, client, frontend and OFREP routes for any origin),
 * nosniff, a CSP that lets a JSON answer run nothing, and HSTS where the API is served over HTTPS.
 */
import type { Access } from '../../shared/rights/access';

/** Who may read a route's answers from a browser page: any origin, or the console's only. */
export type CorsPolicy = 'any-origin' | 'console-only';

/** Headers the Unleash, OFREP and omnilab SDKs and the console send from a browser. */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'if-none-match',
  'omnilab-channel',
  'unleash-appname',
  'unleash-client-spec',
  'unleash-connection-id',
  'unleash-instanceid',
  'unleash-interval',
  'unleash-sdk',
  'x-unleash-appname',
  'x-unleash-connection-id',
  'x-unleash-sdk',
] as const;

const ALLOWED_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';
/** How long a browser may reuse a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 3600;

/** A JSON answer is data: it may load nothing, run nothing and be framed by nobody. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

const ANY_ORIGIN: ReadonlySet<Access> = new Set<Access>(['public', 'client', 'frontend', 'evaluation']);

export function corsPolicyOfAccess(access: Access): CorsPolicy {
  return ANY_ORIGIN.has(access) ? 'any-origin' : 'console-only';
}

/** A route's path and who may call it: all CORS needs to know of it. */
export interface PathAccess {
  path: string;
  access: Access;
}

const compiled = new WeakMap<readonly PathAccess[], { access: Access; pattern: RegExp }[]>();

function patternsOf(routes: readonly PathAccess[]): { access: Access; pattern: RegExp }[] {
  let patterns = compiled.get(routes);
  if (!patterns) {
    patterns = routes.map((route) => ({
      access: route.access,
      pattern: new RegExp(
        `^${route.path
          .split('/')
          .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
          .join('/')}$`,
      ),
    }));
    compiled.set(routes, patterns);
  }
  return patterns;
}

/**
 * A path's policy among these routes, for answers given before a route is known (preflights,
 * 404s): console-only if any route on the path is an admin one, and for every path under /api/admin.
 */
export function corsPolicyOfPath(path: string, routes: readonly PathAccess[]): CorsPolicy {
  if (path === '/api/admin' || path.startsWith('/api/admin/')) return 'console-only';
  const onPath = patternsOf(routes).filter((r) => r.pattern.test(path));
  return onPath.some((r) => corsPolicyOfAccess(r.access) === 'console-only') ? 'console-only' : 'any-origin';
}

export interface ResponseHeaderSettings {
  consoleOrigins: readonly string[];
  hstsMaxAgeSeconds: number;
}

/** Request headers as Lambda (string) or node:http (string or list) hands them over. */
export type RequestHeaders = Record<string, string | string[] | undefined> | undefined;

function headerValue(headers: RequestHeaders, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v.join(',') : v;
  }
  return undefined;
}

/** The CORS headers of an answer to a request with these headers (a preflight's included). */
export function corsHeaders(
  policy: CorsPolicy,
  requestHeaders: RequestHeaders,
  consoleOrigins: readonly string[],
  preflight: boolean,
): Record<string, string> {
  const origin = headerValue(requestHeaders, 'origin');
  let allowOrigin: string | undefined;
  if (policy === 'any-origin') allowOrigin = '*';
  else if (origin !== undefined && consoleOrigins.includes(origin)) allowOrigin = origin;
  // Caches must not hand the console's answer to another origin, nor another origin's to the console.
  const vary: Record<string, string> = policy === 'console-only' ? { vary: 'origin' } : {};
  if (allowOrigin === undefined) return vary;
  const headers: Record<string, string> = {
    ...vary,
    'access-control-allow-origin': allowOrigin,
    'access-control-expose-headers': 'etag',
  };
  if (preflight) {
    const asked = headerValue(requestHeaders, 'access-control-request-headers');
    headers['access-control-allow-methods'] = ALLOWED_METHODS;
    // A browser asks for the headers its page sets; names only, so nothing else is echoed.
    headers['access-control-allow-headers'] =
      asked !== undefined && /^[\w-]+(\s*,\s*[\w-]+)*$/.test(asked.trim())
        ? asked.trim()
        : CORS_ALLOWED_HEADERS.join(', ');
    headers['access-control-max-age'] = String(PREFLIGHT_MAX_AGE_SECONDS);
  }
  return headers;
}

/** nosniff and the API's CSP on every answer; HSTS when the API is served over HTTPS (AWS). */
export function securityHeaders(hstsMaxAgeSeconds: number): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'content-security-policy': API_CONTENT_SECURITY_POLICY,
    'referrer-policy': 'no-referrer',
    ...(hstsMaxAgeSeconds > 0
      ? { 'strict-transport-security': `max-age=${hstsMaxAgeSeconds}; includeSubDomains` }
      : {}),
  };
}

/**
 * The console's CSP: its build's scripts and styles only (Vite emits no inline script or style),
 * calls to itself and, on AWS, to the API's origin; no plugins, no framing. CloudFront sends it on
 * AWS (infra/constructs/console-hosting.ts), the local server with the API on the same origin.
 */
export function consoleContentSecurityPolicy(apiUrl?: string): string {
  const connect = apiUrl ? `'self' ${apiUrl}` : "'self'";
  return `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${connect}; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`;
}

/** Every header an API answer adds: security headers, then CORS for the request's origin. */
export function apiResponseHeaders(
  policy: CorsPolicy,
  requestHeaders: RequestHeaders,
  settings: ResponseHeaderSettings,
  preflight = false,
): Record<string, string> {
  return {
    ...securityHeaders(settings.hstsMaxAgeSeconds),
    ...corsHeaders(policy, requestHeaders, settings.consoleOrigins, preflight),
  };
}

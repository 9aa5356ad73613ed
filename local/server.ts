/**
 * The local HTTP front door: each request becomes an API Gateway HTTP API (payload v2) event and
 * goes to the same middy handler Lambda runs, found through the one route list CDK also reads, each
 * entry built once with `create(runtime)` over the one runtime it is given.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  apiResponseHeaders,
  consoleContentSecurityPolicy,
  corsPolicyOfPath,
  type ResponseHeaderSettings,
} from '../functions/http/response-headers';
import type { StreamHandler } from '../functions/http/response-stream';
import { ROUTES, type Route, routeKey } from '../functions/routes/routes';
import type { Runtime } from '../functions/runtime/composition-root';
import { errorFields, logger } from '../functions/runtime/logger';

type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A Lambda entry as functions/handlers/ shape it: the middy handler, or its request-response and streamed forms. */
type BuiltEntry = LambdaHandler | { http: LambdaHandler; stream: StreamHandler };

interface EntryModule {
  create?: (runtime: Runtime) => BuiltEntry;
}

/** API Gateway refuses larger payloads before Lambda sees them; so does the local server. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compileRoute(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(m[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, headers);
  res.end(body);
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ code, message });
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toEvent(
  req: IncomingMessage,
  route: Route,
  url: URL,
  params: Record<string, string>,
  body: string,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  const key = routeKey(route);
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: Object.keys(params).length > 0 ? params : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
  };
}

/** API Gateway's 29 s for a request; a streamed answer gets Lambda's 15 minutes. */
function lambdaContext(route: Route, budgetMs = 29_000): Context {
  const deadline = Date.now() + budgetMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: route.function,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${route.function}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${route.function}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

// --- The web console: its static build (console/dist), served wherever no API route matches. ---

const CONSOLE_DIR = join(ROOT, 'console', 'dist');
const CONSOLE_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** As CloudFront sends them on AWS, the API being on this same origin (no HSTS over http). */
const CONSOLE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': consoleContentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/** Answers GET/HEAD from the console build, `/` being index.html; false when there is no such file. */
async function serveConsole(req: IncomingMessage, res: ServerResponse, pathname: string, dir: string) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (/^\/(api|ofrep)(\/|$)/.test(pathname)) return false;
  let file: string;
  try {
    file = resolve(dir, `.${decodeURIComponent(pathname === '/' ? '/index.html' : pathname)}`);
  } catch {
    return false;
  }
  // `..` and encoded separators must never reach outside the build.
  if (!file.startsWith(`${resolve(dir)}${sep}`)) return false;
  const body = await readFile(file).catch(() => null);
  if (body === null) return false;
  res.writeHead(200, {
    'content-type': CONSOLE_TYPES[extname(file)] ?? 'application/octet-stream',
    // Hashed asset names never change content; index.html and config.json must be fetched afresh.
    'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...CONSOLE_SECURITY_HEADERS,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

// --- end of the web console ---

export interface LocalServer {
  url: string;
  port: number;
  /** The address the socket listens on, as the operating system reports it. */
  address: string;
  close(): Promise<void>;
}

/**
 * Builds every entry in the route list over `runtime` (so a broken one fails the start, not a
 * request) and listens.
 */
export async function startServer(options: {
  /** The one runtime every entry is built over (`npm start`'s, a test's, a benchmark's). */
  runtime: Runtime;
  port?: number;
  /** 127.0.0.1 unless given: `npm start` passes HOST, default 127.0.0.1 too. */
  host?: string;
  consoleDir?: string;
  /** The runtime's (OMNILAB_CONSOLE_ORIGINS, HSTS), as the handlers send them, unless given. */
  responseHeaders?: ResponseHeaderSettings;
}): Promise<LocalServer> {
  const routes = ROUTES.map(compileRoute);
  const settings = options.responseHeaders ?? options.runtime.config;
  const consoleDir = options.consoleDir ?? CONSOLE_DIR;
  const handlers = new Map<string, LambdaHandler>();
  // An entry built with a streamed form answers through a sink on the socket (Server-Sent Events).
  const streamHandlers = new Map<string, StreamHandler>();
  for (const entry of new Set(ROUTES.map((r) => r.entry))) {
    const mod = (await import(pathToFileURL(join(ROOT, entry)).href)) as EntryModule;
    if (typeof mod.create !== 'function') throw new Error(`${entry} exports no create(runtime)`);
    const built = mod.create(options.runtime);
    if (typeof built === 'function') handlers.set(entry, built);
    else {
      handlers.set(entry, built.http);
      streamHandlers.set(entry, built.stream);
    }
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // What the handlers add to their answers, for the answers this server gives itself.
    const cors = apiResponseHeaders(corsPolicyOfPath(url.pathname, ROUTES), req.headers, settings);
    try {
      if (req.method === 'OPTIONS') {
        return send(
          res,
          204,
          apiResponseHeaders(corsPolicyOfPath(url.pathname, ROUTES), req.headers, settings, true),
          '',
        );
      }
      const json = { ...cors, 'content-type': 'application/json; charset=utf-8' };
      const onPath = routes.filter((r) => r.pattern.test(url.pathname));
      const match = onPath.find((r) => r.route.method === req.method);
      if (onPath.length === 0 && (await serveConsole(req, res, url.pathname, consoleDir))) return;
      if (!match) {
        const status = onPath.length > 0 ? 405 : 404;
        return send(
          res,
          status,
          json,
          errorBody(
            status === 404 ? 'NOT_FOUND' : 'METHOD_NOT_ALLOWED',
            `no route ${req.method} ${url.pathname}`,
          ),
        );
      }
      const values = match.pattern.exec(url.pathname)!.slice(1);
      const params: Record<string, string> = {};
      try {
        match.names.forEach((n, i) => {
          params[n] = decodeURIComponent(values[i]);
        });
      } catch {
        return send(res, 400, json, errorBody('BAD_REQUEST', 'the path is not valid percent-encoding'));
      }
      const body = await readBody(req);
      if (body === null) {
        // The rest of the body is still on the socket: close it rather than read 10 MB of junk.
        return send(
          res,
          413,
          { ...json, connection: 'close' },
          errorBody('PAYLOAD_TOO_LARGE', `the request body is larger than ${MAX_REQUEST_BYTES} bytes`),
        );
      }
      const streamed = streamHandlers.get(match.route.entry);
      if (streamed) {
        const gone = new Promise<void>((resolveGone) => res.once('close', () => resolveGone()));
        const sink = {
          open: (status: number, headers: Record<string, string>) => res.writeHead(status, headers),
          write: (chunk: string) => {
            res.write(chunk);
          },
          end: () => res.end(),
          gone,
          live: true,
        };
        return await streamed(
          toEvent(req, match.route, url, params, body),
          sink,
          lambdaContext(match.route, 15 * 60_000),
        );
      }
      const handler = handlers.get(match.route.entry)!;
      const result = await handler(toEvent(req, match.route, url, params, body), lambdaContext(match.route));
      // The handler's answer carries its own CORS and security headers (functions/http/http-handler.ts).
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      send(res, result.statusCode ?? 200, headers, result.body ?? '');
    } catch (e) {
      logger.error('the handler threw: answered 500', {
        method: req.method,
        error: errorFields(e),
      });
      if (!res.headersSent) send(res, 500, cors, errorBody('INTERNAL', 'internal error'));
    }
  });
  // SDKs keep connections alive; a short idle timeout lets Ctrl-C close promptly.
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4242, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    address,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

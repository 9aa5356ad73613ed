/**
 * `npx omnilab migrate unleash` against a stand-in Unleash that answers the admin API calls it makes
 * (projects, environments, feature search, segments, context, tag types, features-batch export,
 * client tokens) and the client API, and the real local omnilab: the plan is shown, the import
 * applied, both servers' answers compared with unleash-client on Unleash's side; a second run
 * changes nothing; Chinese messages on request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import type { Flag } from '../../shared/model/flag';
import type { UnleashExport } from '../../shared/model/unleash-export';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

const adults = {
  id: 3,
  name: 'adults',
  description: 'Customers of age',
  constraints: [{ contextName: 'age', operator: 'NUM_GTE', value: '18' }],
};

const exportDoc: UnleashExport = {
  features: [
    { name: 'loan-banner', type: 'experiment', project: 'lending', stale: false, impressionData: true },
    { name: 'vip-lounge', type: 'permission', project: 'lending', stale: true },
    { name: 'atm-network', type: 'release', project: 'lending' },
  ],
  featureStrategies: [
    {
      name: 'flexibleRollout',
      featureName: 'loan-banner',
      title: 'Adults on mobile, 40%',
      parameters: { groupId: 'loan-banner', rollout: '40', stickiness: 'default' },
      constraints: [{ contextName: 'channel', operator: 'IN', values: ['mobile'] }],
      segments: [3],
      sortOrder: 0,
      disabled: false,
    },
    {
      name: 'userWithId',
      featureName: 'vip-lounge',
      parameters: { userIds: 'customer-3,customer-5' },
      constraints: [],
    },
    { name: 'atmNetwork', featureName: 'atm-network', parameters: { network: 'unionpay' }, constraints: [] },
  ],
  featureEnvironments: [
    {
      featureName: 'loan-banner',
      enabled: true,
      variants: [
        { name: 'control', weight: 500, weightType: 'variable', stickiness: 'default', overrides: [] },
        {
          name: 'rate-first',
          weight: 500,
          weightType: 'variable',
          stickiness: 'default',
          overrides: [],
          payload: { type: 'string', value: '3.9%' },
        },
      ],
    },
    { featureName: 'vip-lounge', enabled: true, variants: [] },
    { featureName: 'atm-network', enabled: true, variants: [] },
  ],
  contextFields: [{ name: 'channel', legalValues: [{ value: 'mobile' }, { value: 'web' }] }],
  featureTags: [{ featureName: 'loan-banner', tagType: 'simple', tagValue: 'lending' }],
  segments: [{ id: 3, name: 'adults' }],
  tagTypes: [{ name: 'simple', description: 'Simple tag', icon: '#' }],
  dependencies: [],
};

/** What Unleash's client API serves for the same flags (disabled strategies left out, segments on top). */
const clientDoc: ClientFeaturesDocument = {
  version: 2,
  features: [
    {
      name: 'loan-banner',
      enabled: true,
      type: 'experiment',
      project: 'lending',
      impressionData: true,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { groupId: 'loan-banner', rollout: '40', stickiness: 'default' },
          constraints: [{ contextName: 'channel', operator: 'IN', values: ['mobile'] }],
          segments: [3],
        },
      ],
      variants: exportDoc.featureEnvironments?.[0].variants,
    },
    {
      name: 'vip-lounge',
      enabled: true,
      strategies: [{ name: 'userWithId', parameters: { userIds: 'customer-3,customer-5' } }],
    },
    {
      name: 'atm-network',
      enabled: true,
      strategies: [{ name: 'atmNetwork', parameters: { network: 'unionpay' } }],
    },
  ],
  segments: [{ id: 3, name: 'adults', constraints: adults.constraints }],
};

let p: TestPlatform;
let unleash: Server;
let unleashUrl: string;
const calls: string[] = [];

beforeAll(async () => {
  p = await startTestPlatform();
  unleash = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const path = req.url ?? '';
      calls.push(`${req.method} ${path.split('?')[0]}`);
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const admin = req.headers.authorization === 'unleash-admin';
      if (path === '/api/client/features')
        return send(req.headers.authorization === 'client-secret' ? 200 : 401, clientDoc);
      if (!admin) return send(401, { message: 'no' });
      if (path === '/api/admin/projects') return send(200, { projects: [{ id: 'lending' }] });
      if (path === '/api/admin/environments')
        return send(200, {
          environments: [
            { name: 'development', enabled: true },
            { name: 'production', enabled: false },
          ],
        });
      if (path.startsWith('/api/admin/search/features'))
        return send(200, { features: exportDoc.features.map((f) => ({ name: f.name })) });
      if (path === '/api/admin/segments') return send(200, { segments: [adults] });
      if (path === '/api/admin/context') return send(200, exportDoc.contextFields);
      if (path === '/api/admin/tag-types') return send(200, { tagTypes: exportDoc.tagTypes });
      if (path === '/api/admin/features-batch/export' && req.method === 'POST') {
        expect(JSON.parse(body)).toMatchObject({ environment: 'development' });
        return send(200, exportDoc);
      }
      if (path === '/api/admin/api-tokens' && req.method === 'POST')
        return send(201, { secret: 'client-secret' });
      if (path.startsWith('/api/admin/api-tokens/') && req.method === 'DELETE') return send(200, {});
      send(404, { message: 'not here' });
    });
  });
  await new Promise<void>((r) => unleash.listen(0, '127.0.0.1', () => r()));
  const address = unleash.address();
  unleashUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((r) => unleash?.close(r));
  await p.close();
});

async function migrate(...extra: string[]) {
  const out = new Capture();
  const err = new Capture();
  const code = await main(
    [
      'migrate',
      'unleash',
      '--url',
      unleashUrl,
      '--token',
      'unleash-admin',
      '--omnilab-url',
      p.url,
      '--omnilab-token',
      p.tokens.admin,
      '--contexts',
      '300',
      ...extra,
    ],
    out as never,
    err as never,
  );
  return { code, out: out.text, err: err.text };
}

describe('npx omnilab migrate unleash', () => {
  it('--help says what it does', async () => {
    const out = new Capture();
    expect(await main(['migrate', '--help'], out as never, new Capture() as never)).toBe(0);
    expect(out.text).toMatch(/--url <url>\s+The Unleash server/);
  });

  it('--plan shows the plan and changes nothing', async () => {
    const r = await migrate('--plan');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/\+ create flag loan-banner/);
    expect(r.out).toMatch(
      /atm-network: strategy \(atmNetwork\) is not a strategy omnilab runs: imported disabled/,
    );
    expect(r.out).toMatch(/Plan: 3 to create/);
    expect(r.err).toMatch(/Reading Unleash/);
    const zh = await migrate('--plan', '--lang', 'zh-CN');
    expect(zh.out).toMatch(/\+ 新建 flag loan-banner/);
    expect(zh.out).toMatch(/计划：新建 3 个/);
    expect(zh.out).toMatch(/未执行任何更改/);
    expect((await p.call('GET', '/api/admin/flags/loan-banner', { token: p.tokens.admin })).status).toBe(404);
  });

  it('applies, then every evaluation agrees between the two servers', async () => {
    const r = await migrate();
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    expect(r.out).toMatch(/Applied\./);
    expect(r.out).toMatch(/development → development: 900 of 900 evaluations agree \(100\.00%\)/);
    const flag = await bodyOf<Flag>(
      await p.call('GET', '/api/admin/flags/loan-banner', { token: p.tokens.admin }),
    );
    expect(flag.environments.development.strategies[0]).toMatchObject({ title: 'Adults on mobile, 40%' });
    expect(calls).toContain('POST /api/admin/api-tokens');
    expect(calls).toContain('DELETE /api/admin/api-tokens/client-secret');
    // The comparison's own omnilab token is revoked again.
    const { tokens } = await bodyOf<{ tokens: { name: string }[] }>(
      await p.call('GET', '/api/admin/tokens', { token: p.tokens.admin }),
    );
    expect(tokens.map((t) => t.name)).not.toContain('migrate-compare');
  });

  it('a second run changes nothing, in Chinese when asked', async () => {
    const before = await bodyOf<Flag>(
      await p.call('GET', '/api/admin/flags/loan-banner', { token: p.tokens.admin }),
    );
    const r = await migrate('--lang', 'zh-CN');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/没有需要更改的内容/);
    expect(r.out).toMatch(/900 次评估中 900 次一致/);
    const after = await bodyOf<Flag>(
      await p.call('GET', '/api/admin/flags/loan-banner', { token: p.tokens.admin }),
    );
    expect(after.version).toBe(before.version);
  });

  it('--file imports an export file through the same plan, with no Unleash to read', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'omnilab-migrate-')), 'export.json');
    const doc = structuredClone(exportDoc);
    doc.features.push({ name: 'fx-widget', type: 'release', project: 'lending' });
    doc.featureStrategies.push({
      name: 'default',
      featureName: 'fx-widget',
      parameters: {},
      constraints: [],
    });
    doc.featureEnvironments?.push({ featureName: 'fx-widget', environment: 'development', enabled: true });
    for (const fe of doc.featureEnvironments ?? []) fe.environment = 'development';
    writeFileSync(file, JSON.stringify(doc));
    const out = new Capture();
    const err = new Capture();
    const code = await main(
      ['migrate', 'unleash', '--file', file, '--omnilab-url', p.url, '--omnilab-token', p.tokens.admin],
      out as never,
      err as never,
    );
    expect(code, `${out.text}\n${err.text}`).toBe(0);
    expect(out.text).toMatch(/\+ create flag fx-widget/);
    expect(out.text).toMatch(/Plan: 1 to create, 0 to update, 3 unchanged/);
    expect(out.text).not.toMatch(/evaluations agree/);
    expect((await p.call('GET', '/api/admin/flags/fx-widget', { token: p.tokens.admin })).status).toBe(200);
  });
});

/**
 * Issue 13, as an attacker would try it through the HTTP API, checked by effect: what a
 * production client is served, what is stored. People, not tokens (a second token of one's own,
 * spelled differently, or carrying another's name, is no second pair of eyes); ownership (a
 * foreign key cannot take a generated flag, a metric under a running production experiment
 * changes only with approval, the analysis plan shows its changes); size (an oversized flag is
 * refused before it is written, and a large one is still killed); tamper evidence (a rolled-back
 * audit chain and an edited copy show).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, PutCommand, UpdateCommand } from '../../functions/aws/dynamodb-document';
import { createDynamoClients } from '../../functions/runtime/composition-root';
import { itemSize, MAX_ITEM_BYTES } from '../../functions/stores/item-size';
import { sequenceKey } from '../../shared/governance/audit-chain';
import type { ChangeRequest } from '../../shared/governance/change-request';
import type { AuditEntry } from '../../shared/model/audit';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import type { Flag } from '../../shared/model/flag';
import { approveAndApply, heldRequest } from '../support/governance';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform({
    OMNILAB_AUDIT_ANCHOR_FILE: join(mkdtempSync(join(tmpdir(), 'omnilab-anchor-')), 'audit-anchor.jsonl'),
  });
});
afterAll(() => p.close());

async function body<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** What a production SDK is served for `name`: enabled, or absent. */
async function servedInProduction(name: string): Promise<boolean | undefined> {
  const res = await p.call('GET', '/api/client/features', {
    token: p.tokens.productionClient,
    headers: { 'omnilab-channel': 'mobile' },
  });
  expect(res.status).toBe(200);
  const doc = await body<ClientFeaturesDocument>(res);
  return doc.features.find((f) => f.name === name)?.enabled;
}

async function flag(name: string): Promise<Flag> {
  return body<Flag>(await p.call('GET', `/api/admin/flags/${name}`, { token: p.tokens.admin }));
}

async function mint(token: string, name: string, role = 'platform-admin') {
  return p.call('POST', '/api/admin/tokens', { token, body: { name, kind: 'admin', role } });
}

async function approve(id: string, token: string) {
  const cr = await body<ChangeRequest>(
    await p.call('GET', `/api/admin/change-requests/${id}`, { token: p.tokens.admin }),
  );
  return p.call('POST', `/api/admin/change-requests/${id}/approve`, { token, body: { version: cr.version } });
}

describe('people, not tokens', () => {
  it('counts no second token of the author as a second pair of eyes, however its name is spelled', async () => {
    expect(
      (
        await p.call('POST', '/api/admin/flags', {
          token: p.tokens.admin,
          body: { name: 'self-approved', squad: 'payments' },
        })
      ).status,
    ).toBe(201);
    const held = await heldRequest(
      await p.call('PUT', '/api/admin/flags/self-approved/environments/production/channels/mobile', {
        token: p.tokens.admin,
        body: { version: 1, enabled: true },
      }),
    );
    // The seeded admin is "local-admin": tokens of the same person, minted by that person at once.
    for (const spelling of ['local-admin ', 'LOCAL-Admin', '  local-admin', 'ｌｏｃａｌ－ａｄｍｉｎ']) {
      const minted = await mint(p.tokens.admin, spelling);
      expect(minted.status, spelling).toBe(201);
      const { secret, person, createdBy } = await body<{ secret: string; person: string; createdBy: string }>(
        minted,
      );
      expect({ person, createdBy }).toEqual({ person: 'local-admin', createdBy: 'local-admin' });
      const self = await approve(held.id, secret);
      expect(self.status, spelling).toBe(403);
      expect((await body<{ message: string }>(self)).message).toContain('nobody approves their own');
      expect(await servedInProduction('self-approved'), spelling).toBe(false);
    }
    // Look-alike characters are refused outright, naming the field, and mint nothing.
    const before = (
      await body<{ tokens: unknown[] }>(await p.call('GET', '/api/admin/tokens', { token: p.tokens.admin }))
    ).tokens.length;
    for (const sneaky of [
      'local\u200badmin',
      'local-admin\u200f',
      '\u202elocal-admin',
      'local\u2066-admin',
      '\ufefflocal-admin',
      'local\u0007admin',
    ]) {
      const res = await mint(p.tokens.admin, sneaky);
      expect(res.status, JSON.stringify(sneaky)).toBe(400);
      expect(await body<{ field: string }>(res)).toMatchObject({ field: 'name' });
    }
    expect(
      (await body<{ tokens: unknown[] }>(await p.call('GET', '/api/admin/tokens', { token: p.tokens.admin })))
        .tokens,
    ).toHaveLength(before);

    // Another person's name (or a new person) is a protected change: held, and the secret shown
    // once does not authenticate until a second person approves.
    const impersonation = await mint(p.tokens.admin, 'Admin-Wang');
    const cr = await heldRequest(impersonation.clone());
    const { secret } = await body<{ secret: string }>(impersonation);
    expect(secret).toMatch(/^admin:platform-admin\./);
    expect((await approve(held.id, secret)).status).toBe(401);
    expect(await servedInProduction('self-approved')).toBe(false);
    // Its own author cannot wave it through with a second token of theirs either.
    const second = await body<{ secret: string }>(await mint(p.tokens.admin, 'local-admin  '));
    expect((await approve(cr.id, second.secret)).status).toBe(403);
    expect((await p.call('GET', '/api/admin/me', { token: secret })).status).toBe(401);

    // A real second person approves: only now does production change.
    await approveAndApply(p, held.id, p.tokens.secondAdmin);
    expect(await servedInProduction('self-approved')).toBe(true);
  });

  it('ids are random and the table keeps no hash a guessed token could be checked against', async () => {
    const res = await p.call('POST', '/api/admin/tokens', {
      token: p.tokens.admin,
      body: { name: 'mobile-banking', kind: 'client', environment: 'development' },
    });
    expect(res.status).toBe(201);
    const created = await body<{ id: string; secret: string }>(res);
    expect(created.id).toMatch(/^tok_[0-9a-f]{24}$/);
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(created.secret).digest('hex');
    const listed = await (await p.call('GET', '/api/admin/tokens', { token: p.tokens.admin })).text();
    expect(listed).not.toContain(digest);
    expect(JSON.stringify(await p.runtime.tokens.list())).not.toContain(digest);
    expect((await p.call('GET', '/api/client/features', { token: created.secret })).status).toBe(200);
    expect(
      (await p.call('DELETE', `/api/admin/tokens/${created.id}`, { token: p.tokens.admin })).status,
    ).toBe(204);
    expect((await p.call('GET', '/api/client/features', { token: created.secret })).status).toBe(401);
  });
});

describe('ownership', () => {
  const experiment = (
    key: string,
    squad: string,
    environment: string,
    extra: Record<string, unknown> = {},
  ) => ({
    key,
    name: key,
    hypothesis: 'it helps',
    squad,
    environment,
    channels: ['mobile'],
    variants: [
      { name: 'control', weight: 50 },
      { name: 'treatment', weight: 50 },
    ],
    primaryMetric: 'signup',
    status: 'running',
    ...extra,
  });

  beforeAll(async () => {
    for (const [key, squad] of [
      ['signup', 'payments'],
      ['csat', 'cards'],
    ] as const) {
      const res = await p.call('PUT', `/api/admin/metrics/${key}`, {
        token: p.tokens.admin,
        body: { key, name: key, kind: 'conversion', direction: 'higher-is-better', unit: '%', squad },
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
  });

  it("keeps a generated layer slot its experiment's: no key of another squad takes it", async () => {
    const mine = await p.call('PUT', '/api/admin/experiments/promo.v1', {
      token: p.tokens.squadPayments,
      body: experiment('promo.v1', 'payments', 'development', { layer: 'checkout' }),
    });
    expect(mine.status, await mine.clone().text()).toBe(201);
    const slot = await flag('layer.checkout.promo.v1');
    expect(slot.squad).toBe('payments');

    // The slot's own name as a key, and a layer and key that spell the same slot name.
    const asKey = await p.call('PUT', '/api/admin/experiments/layer.checkout.promo.v1', {
      token: p.tokens.squadCards,
      body: experiment('layer.checkout.promo.v1', 'cards', 'development'),
    });
    expect(asKey.status).toBe(400);
    expect(await body<{ field: string }>(asKey)).toMatchObject({ field: 'key' });
    const spelled = await p.call('PUT', '/api/admin/experiments/v1', {
      token: p.tokens.squadCards,
      body: experiment('v1', 'cards', 'development', { layer: 'checkout.promo' }),
    });
    expect(spelled.status).toBe(409);
    expect((await body<{ message: string }>(spelled)).message).toContain(
      'generated for experiment promo.v1 of squad payments',
    );
    // Nor does a plain flag claim the namespace.
    const squat = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.squadCards,
      body: { name: 'layer.checkout.next', squad: 'cards' },
    });
    expect(squat.status).toBe(400);
    expect(await flag('layer.checkout.promo.v1')).toEqual(slot);
    expect((await p.call('GET', '/api/admin/experiments/v1', { token: p.tokens.admin })).status).toBe(404);
  });

  it('holds a change to a metric a running production experiment reads, stored unchanged until approved, and only by its squad', async () => {
    const prod = await heldRequest(
      await p.call('PUT', '/api/admin/experiments/prod-guarded', {
        token: p.tokens.squadPayments,
        body: experiment('prod-guarded', 'payments', 'production', {
          guardrails: [{ metric: 'csat', tolerance: 0.05 }],
        }),
      }),
    );
    await approveAndApply(p, prod.id);
    const read = async () =>
      body<{ direction: string; version: number }>(
        await p.call('GET', '/api/admin/metrics', { token: p.tokens.admin }).then(async (r) => {
          const { metrics } = await body<{ metrics: { key: string }[] }>(r);
          return new Response(JSON.stringify(metrics.find((m) => m.key === 'csat')));
        }),
      );
    const stored = await read();
    const flip = {
      key: 'csat',
      name: 'csat',
      kind: 'conversion',
      direction: 'lower-is-better',
      unit: '%',
      version: stored.version,
    };
    // Not its squad: refused.
    expect(
      (await p.call('PUT', '/api/admin/metrics/csat', { token: p.tokens.squadPayments, body: flip })).status,
    ).toBe(403);
    // Its squad: held, stored unchanged; its own squad cannot approve its own change.
    const cr = await heldRequest(
      await p.call('PUT', '/api/admin/metrics/csat', { token: p.tokens.squadCards, body: flip }),
    );
    expect(cr.squad).toBe('cards');
    expect(await read()).toEqual(stored);
    expect((await approve(cr.id, p.tokens.squadCards)).status).toBe(403);
    await approveAndApply(p, cr.id, p.tokens.auditor);
    expect((await read()).direction).toBe('lower-is-better');
  });

  it("holds a change to a running production experiment's analysis plan, and the results show it changed, when and by whom", async () => {
    const start = await heldRequest(
      await p.call('PUT', '/api/admin/experiments/prod-plan', {
        token: p.tokens.squadPayments,
        body: experiment('prod-plan', 'payments', 'production'),
      }),
    );
    await approveAndApply(p, start.id);
    const running = await body<{ version: number; analysis: { alpha: number } }>(
      await p.call('GET', '/api/admin/experiments/prod-plan', { token: p.tokens.admin }),
    );
    const looser = experiment('prod-plan', 'payments', 'production', {
      version: running.version,
      analysis: { sequential: true, alpha: 0.2, cuped: false },
    });
    const cr = await heldRequest(
      await p.call('PUT', '/api/admin/experiments/prod-plan', {
        token: p.tokens.squadPayments,
        body: looser,
      }),
    );
    const unchanged = await body<{ analysis: { alpha: number } }>(
      await p.call('GET', '/api/admin/experiments/prod-plan', { token: p.tokens.admin }),
    );
    expect(unchanged.analysis.alpha).toBe(running.analysis.alpha);
    await approveAndApply(p, cr.id);
    const results = await body<{
      analysisPlan: {
        fixedAt: string;
        changedAfterStart: boolean;
        changes: {
          by: string;
          at: string;
          before: { analysis: { alpha: number } };
          after: { analysis: { alpha: number } };
        }[];
      };
    }>(await p.call('GET', '/api/admin/experiments/prod-plan/results', { token: p.tokens.productOwner }));
    expect(results.analysisPlan.changedAfterStart).toBe(true);
    expect(results.analysisPlan.changes).toHaveLength(1);
    expect(results.analysisPlan.changes[0]).toMatchObject({
      by: 'payments-squad',
      before: { analysis: { alpha: running.analysis.alpha } },
      after: { analysis: { alpha: 0.2 } },
    });
    expect(Date.parse(results.analysisPlan.changes[0].at)).toBeGreaterThanOrEqual(
      Date.parse(results.analysisPlan.fixedAt),
    );
  });
});

describe('size', () => {
  /** `n` strategies, each constraining 1,000 customer ids (the most one constraint takes), ~41 kB each. */
  const bigStrategies = (n: number) =>
    Array.from({ length: n }, (_, k) => ({
      name: 'flexibleRollout',
      parameters: { rollout: '100', stickiness: 'default', groupId: `g${k}` },
      constraints: [
        {
          contextName: 'userId',
          operator: 'IN',
          values: Array.from({ length: 1000 }, (_, i) => `customer-${k}-${String(i).padStart(27, '0')}`),
        },
      ],
    }));

  it('refuses a write that would make a flag too large, naming size and limit, and kills a large flag whatever happens', async () => {
    expect(
      (
        await p.call('POST', '/api/admin/environments', {
          token: p.tokens.admin,
          body: { name: 'staging', type: 'development' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await p.call('POST', '/api/admin/flags', {
          token: p.tokens.admin,
          body: { name: 'grown', squad: 'payments' },
        })
      ).status,
    ).toBe(201);
    const live = await heldRequest(
      await p.call('PUT', '/api/admin/flags/grown/environments/production/channels/mobile', {
        token: p.tokens.admin,
        body: { version: 1, enabled: true },
      }),
    );
    await approveAndApply(p, live.id);
    expect(await servedInProduction('grown')).toBe(true);
    // Development edits grow the flag (each request within the body limit).
    for (const env of ['development', 'staging']) {
      const f = await flag('grown');
      const res = await p.call('PUT', `/api/admin/flags/grown/environments/${env}`, {
        token: p.tokens.squadPayments,
        body: { version: f.version, strategies: bigStrategies(4) },
      });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const grown = await flag('grown');
    const third = await p.call('PUT', '/api/admin/flags/grown/environments/development', {
      token: p.tokens.squadPayments,
      body: { version: grown.version, strategies: bigStrategies(6) },
    });
    expect(third.status).toBe(413);
    const refusal = await body<{ code: string; message: string }>(third);
    expect(refusal.code).toBe('PAYLOAD_TOO_LARGE');
    expect(refusal.message).toMatch(
      new RegExp(`flag grown would be \\d+ bytes stored, over the limit of ${MAX_ITEM_BYTES} bytes`),
    );
    expect(await flag('grown')).toEqual(grown);
    // Grow it in staging up to just below the limit (the hardest flag to switch off).
    for (;;) {
      const f = await flag('grown');
      const room = MAX_ITEM_BYTES - itemSize({ pk: 'flag', sk: f.name, ...f }) - 1500;
      const n = Math.min(1000, Math.floor(room / 40));
      if (n < 10) break;
      const strategies = [
        ...f.environments.staging.strategies,
        ...bigStrategies(1).map((s) => ({
          ...s,
          parameters: { ...s.parameters, groupId: `more${f.version}` },
          constraints: [{ ...s.constraints[0], values: s.constraints[0].values.slice(0, n) }],
        })),
      ];
      const res = await p.call('PUT', '/api/admin/flags/grown/environments/staging', {
        token: p.tokens.squadPayments,
        body: { version: f.version, strategies },
      });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const full = await flag('grown');
    expect(itemSize({ pk: 'flag', sk: full.name, ...full })).toBeGreaterThan(MAX_ITEM_BYTES - 3000);

    // The production kill switch of the large flag applies at once, and production sees it off.
    const kill = await p.call('PUT', '/api/admin/flags/grown/environments/production/channels/mobile', {
      token: p.tokens.squadPayments,
      body: { version: full.version, enabled: false },
    });
    expect(kill.status, await kill.clone().text()).toBe(200);
    expect(await servedInProduction('grown')).toBe(false);
  });
});

describe('tamper evidence', () => {
  it('flags an edited per-flag copy, and reports a chain rolled back at its head', async () => {
    expect(
      (
        await p.call('POST', '/api/admin/flags', {
          token: p.tokens.admin,
          body: { name: 'audited', squad: 'payments' },
        })
      ).status,
    ).toBe(201);
    const verify = async () =>
      body<{ ok: boolean; reason?: string; firstBrokenSequence?: number }>(
        await p.call('GET', '/api/admin/audit/verify', { token: p.tokens.auditor }),
      );
    expect(await verify()).toMatchObject({ ok: true });

    const { doc } = createDynamoClients(p.runtime.config);
    const table = p.runtime.tables.audit;
    // Someone with table access edits the flag's own copy of its creation entry.
    const entries = async () =>
      (
        await body<{ entries: AuditEntry[] }>(
          await p.call('GET', '/api/admin/flags/audited/audit', { token: p.tokens.admin }),
        )
      ).entries;
    const [created] = await entries();
    expect(created.verified).toBe(true);
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: 'flag#audited', sk: `${created.at}#${created.id}` },
        UpdateExpression: 'SET actor = :a',
        ExpressionAttributeValues: { ':a': 'nobody' },
      }),
    );
    expect((await entries())[0]).toMatchObject({ actor: 'nobody', verified: false });

    // And then rolls the chain back: its last entry deleted, the head reset to the one before.
    const chain = await p.runtime.audit.chain();
    const last = chain[chain.length - 1];
    const previous = chain[chain.length - 2];
    await doc.send(
      new DeleteCommand({ TableName: table, Key: { pk: 'chain', sk: sequenceKey(last.sequence!) } }),
    );
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { pk: 'chain-head', sk: 'head', sequence: previous.sequence, hash: previous.hash },
      }),
    );
    const report = await verify();
    expect(report).toMatchObject({ ok: false, firstBrokenSequence: last.sequence });
    expect(report.reason).toMatch(/truncated at its head/);
  });
});

/**
 * Four eyes as a property: random sequences of writes, edits, approvals, rejections, imports,
 * schedules, rollout plans, kill switches and emergencies, by random persons and roles, through
 * the real API on DynamoDB Local with the scheduler stepping on an injected clock. After every
 * step, what production customers get (the production client document, evaluated for a grid of
 * customers) and the definitions production's experiments depend on may only have changed if the
 * step applied a change request approved, on its current revision and digest, by a person other
 * than its author; or a kill switch that only turned customers off; or a declared emergency now
 * waiting for its retrospective review.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create as createGuardrailCheckHandler } from '../../functions/handlers/guardrail-check-handler';
import type { Runtime } from '../../functions/runtime/composition-root';
import { createLogNotifier } from '../../functions/services/notifier';
import { compile } from '../../shared/evaluation/compile';
import { evaluate } from '../../shared/evaluation/evaluate';
import { canonicalJson } from '../../shared/governance/audit-chain';
import type { ChangeRequest } from '../../shared/governance/change-request';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import type { Flag } from '../../shared/model/flag';
import { experimentBody } from '../support/governance';
import { bodyOf, startTestPlatform, type TestPlatform, type TestTokens } from '../support/platform';

const RUNS = 10;
const MAX_STEPS = 24;

let p: TestPlatform;
const quiet = createLogNotifier(() => undefined);
const FLAGS = ['pf-0', 'pf-1', 'pf-2'] as const;
const ENVS = ['development', 'production'] as const;
const CHANNELS = ['mobile', 'web', 'atm', 'branch'] as const;
type Actor = keyof Pick<
  TestTokens,
  'admin' | 'secondAdmin' | 'squadPayments' | 'squadCards' | 'auditor' | 'productOwner'
>;
const ACTORS: readonly Actor[] = [
  'admin',
  'secondAdmin',
  'squadPayments',
  'squadCards',
  'auditor',
  'productOwner',
];
const PERSON: Record<Actor, string> = {
  admin: 'local-admin',
  secondAdmin: 'admin-wang',
  squadPayments: 'payments-squad',
  squadCards: 'cards-squad',
  auditor: 'risk-li',
  productOwner: 'po-anna',
};
let segmentId = 0;
let clock = Date.parse('2099-06-01T00:00:00Z');

type Action =
  | {
      kind: 'channel';
      actor: Actor;
      flag: number;
      env: number;
      channel: number;
      enabled: boolean;
      later?: number;
    }
  | { kind: 'state'; actor: Actor; flag: number; env: number; enabled: boolean; later?: number }
  | { kind: 'strategy'; actor: Actor; flag: number; env: number; segment: boolean }
  | { kind: 'variants'; actor: Actor; flag: number; payload: string }
  | { kind: 'dependency'; actor: Actor; enabled: boolean }
  | { kind: 'segment'; actor: Actor; wide: boolean; later?: number }
  | { kind: 'import'; actor: Actor; env: number; flag: number; payload: string }
  | { kind: 'experiment'; actor: Actor; env: number; traffic: number; later?: number }
  | { kind: 'plan'; actor: Actor; percent: number; later: number }
  | { kind: 'approve' | 'reject' | 'apply' | 'approveApply'; actor: Actor; pick: number }
  | { kind: 'edit'; actor: Actor; pick: number; flip: boolean }
  | { kind: 'tick'; minutes: number }
  | { kind: 'emergency'; actor: Actor; flag: number; channel: number }
  | { kind: 'mint'; actor: Actor; other: boolean; role: 'platform-admin' | 'squad' | 'auditor' };

const actor = fc.constantFrom(...ACTORS);
const writer = fc.constantFrom<Actor>('squadPayments', 'squadPayments', 'admin', 'secondAdmin', 'squadCards');
const later = fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined });
const flagIx = fc.integer({ min: 0, max: FLAGS.length - 1 });
const envIx = fc.integer({ min: 0, max: 1 });
const payload = fc.constantFrom('1.5%', '2.5%', '3.5%');

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('channel' as const),
    actor: writer,
    flag: flagIx,
    env: envIx,
    channel: fc.integer({ min: 0, max: 3 }),
    enabled: fc.boolean(),
    later,
  }),
  fc.record({
    kind: fc.constant('state' as const),
    actor: writer,
    flag: flagIx,
    env: envIx,
    enabled: fc.boolean(),
    later,
  }),
  fc.record({
    kind: fc.constant('strategy' as const),
    actor: writer,
    flag: flagIx,
    env: envIx,
    segment: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('variants' as const), actor: writer, flag: flagIx, payload }),
  fc.record({ kind: fc.constant('dependency' as const), actor: writer, enabled: fc.boolean() }),
  fc.record({ kind: fc.constant('segment' as const), actor: writer, wide: fc.boolean(), later }),
  fc.record({ kind: fc.constant('import' as const), actor: writer, env: envIx, flag: flagIx, payload }),
  fc.record({
    kind: fc.constant('experiment' as const),
    actor: writer,
    env: envIx,
    traffic: fc.constantFrom(10, 50, 100),
    later,
  }),
  fc.record({
    kind: fc.constant('plan' as const),
    actor: writer,
    percent: fc.constantFrom(20, 60, 100),
    later: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({
    kind: fc.constantFrom('approve' as const, 'approve' as const, 'reject' as const, 'apply' as const),
    actor,
    pick: fc.nat(9),
  }),
  fc.record({ kind: fc.constant('edit' as const), actor: writer, pick: fc.nat(9), flip: fc.boolean() }),
  fc.record({ kind: fc.constant('tick' as const), minutes: fc.integer({ min: 1, max: 40 }) }),
  // Weighted towards what reaches production customers: production writes, and a second person approving and applying.
  ...[0, 1].map(() =>
    fc.record({
      kind: fc.constant('channel' as const),
      actor: writer,
      flag: flagIx,
      env: fc.constant(1),
      channel: fc.integer({ min: 0, max: 3 }),
      enabled: fc.boolean(),
      later,
    }),
  ),
  ...[0, 1, 2].map(() => fc.record({ kind: fc.constant('approveApply' as const), actor, pick: fc.nat(9) })),
  fc.record({
    kind: fc.constant('mint' as const),
    actor: fc.constantFrom<Actor>('admin', 'secondAdmin'),
    other: fc.boolean(),
    role: fc.constantFrom('platform-admin' as const, 'squad' as const, 'auditor' as const),
  }),
  fc.record({
    kind: fc.constant('emergency' as const),
    actor: writer,
    flag: flagIx,
    channel: fc.integer({ min: 0, max: 3 }),
  }),
);

function at(runtime: Runtime, ms: number): Runtime {
  return { ...runtime, now: () => new Date(ms) };
}

function call(who: Actor, method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  return p.call(method, path, { token: p.tokens[who], body, headers });
}

function scheduled(minutes: number | undefined): Record<string, string> | undefined {
  return minutes === undefined
    ? undefined
    : { 'omnilab-apply-at': new Date(clock + minutes * 60_000).toISOString() };
}

async function flag(name: string): Promise<Flag> {
  return bodyOf<Flag>(await call('admin', 'GET', `/api/admin/flags/${name}`));
}

async function requests(): Promise<ChangeRequest[]> {
  return (
    await bodyOf<{ changeRequests: ChangeRequest[] }>(
      await call('admin', 'GET', '/api/admin/change-requests'),
    )
  ).changeRequests;
}

async function perform(a: Action, open: ChangeRequest[]): Promise<void> {
  switch (a.kind) {
    case 'channel': {
      const f = await flag(FLAGS[a.flag]);
      await call(
        a.actor,
        'PUT',
        `/api/admin/flags/${f.name}/environments/${ENVS[a.env]}/channels/${CHANNELS[a.channel]}`,
        { version: f.version, enabled: a.enabled },
        scheduled(a.later),
      );
      return;
    }
    case 'state': {
      const f = await flag(FLAGS[a.flag]);
      await call(
        a.actor,
        'PUT',
        `/api/admin/flags/${f.name}/environments/${ENVS[a.env]}`,
        { version: f.version, enabled: a.enabled },
        scheduled(a.later),
      );
      return;
    }
    case 'strategy': {
      const f = await flag(FLAGS[a.flag]);
      const strategies = a.segment
        ? [{ name: 'default', parameters: {}, constraints: [], segments: [segmentId] }]
        : [];
      await call(a.actor, 'PUT', `/api/admin/flags/${f.name}/environments/${ENVS[a.env]}`, {
        version: f.version,
        strategies,
      });
      return;
    }
    case 'variants': {
      const f = await flag(FLAGS[a.flag]);
      const variants = [
        { name: 'offer', weight: 1000, stickiness: 'default', payload: { type: 'string', value: a.payload } },
      ];
      await call(a.actor, 'PUT', `/api/admin/flags/${f.name}`, { version: f.version, variants });
      return;
    }
    case 'dependency': {
      const f = await flag('pf-2');
      await call(a.actor, 'PUT', '/api/admin/flags/pf-2', {
        version: f.version,
        dependencies: [{ feature: 'pf-0', enabled: a.enabled }],
      });
      return;
    }
    case 'segment': {
      const s = await bodyOf<{ version: number }>(
        await call('admin', 'GET', `/api/admin/segments/${segmentId}`),
      );
      const values = a.wide ? ['gold', 'basic'] : ['gold'];
      await call(
        a.actor,
        'PUT',
        `/api/admin/segments/${segmentId}`,
        { version: s.version, constraints: [{ contextName: 'tier', operator: 'IN', values }] },
        scheduled(a.later),
      );
      return;
    }
    case 'import': {
      const features = [
        {
          name: FLAGS[a.flag],
          enabled: true,
          strategies: [],
          variants: [
            {
              name: 'offer',
              weight: 1000,
              stickiness: 'default',
              payload: { type: 'string', value: a.payload },
            },
          ],
        },
      ];
      await call(a.actor, 'POST', `/api/admin/environments/${ENVS[a.env]}/import`, { version: 2, features });
      return;
    }
    case 'experiment': {
      const e = await bodyOf<{ version: number; environment: string }>(
        await call('admin', 'GET', '/api/admin/experiments/px'),
      );
      await call(
        a.actor,
        'PUT',
        '/api/admin/experiments/px',
        { ...experimentBody('px', ENVS[a.env], a.traffic), version: e.version },
        scheduled(a.later),
      );
      return;
    }
    case 'plan':
      await call(a.actor, 'POST', '/api/admin/experiments/px/rollout-plan', {
        steps: [{ percent: a.percent, at: new Date(clock + a.later * 60_000).toISOString() }],
      });
      return;
    case 'approve':
    case 'reject':
    case 'apply': {
      const wanted = open.filter((c) =>
        a.kind === 'apply' ? c.status === 'approved' && c.kind === 'change' : true,
      );
      if (wanted.length === 0) return;
      const cr = wanted[a.pick % wanted.length];
      await call(a.actor, 'POST', `/api/admin/change-requests/${cr.id}/${a.kind}`, { version: cr.version });
      return;
    }
    case 'approveApply': {
      const waiting = open.filter((c) => c.status === 'open');
      if (waiting.length === 0) return;
      const cr = waiting[a.pick % waiting.length];
      const res = await call(a.actor, 'POST', `/api/admin/change-requests/${cr.id}/approve`, {
        version: cr.version,
      });
      if (res.status !== 200) return;
      const approved = await bodyOf<ChangeRequest>(res);
      if (approved.kind === 'change' && approved.status === 'approved')
        await call(a.actor, 'POST', `/api/admin/change-requests/${cr.id}/apply`, {
          version: approved.version,
        });
      return;
    }
    case 'edit': {
      const mine = open.filter(
        (c) =>
          c.kind === 'change' &&
          c.author.name === PERSON[a.actor] &&
          ['open', 'approved', 'failed'].includes(c.status),
      );
      if (mine.length === 0) return;
      const cr = mine[a.pick % mine.length];
      let body: unknown;
      if (cr.routeKey === 'PUT /api/admin/experiments/{key}') {
        const e = await bodyOf<{ version: number }>(await call('admin', 'GET', '/api/admin/experiments/px'));
        body = { ...experimentBody('px', a.flip ? 'production' : 'development', 100), version: e.version };
      } else if (cr.routeKey.startsWith('PUT /api/admin/flags/{name}/environments/{env}')) {
        const f = await flag(cr.params.name);
        body = cr.routeKey.endsWith('{channel}')
          ? { version: f.version, enabled: a.flip }
          : { version: f.version, channels: { mobile: a.flip, web: true } };
      } else return;
      await call(a.actor, 'PUT', `/api/admin/change-requests/${cr.id}`, { version: cr.version, body });
      return;
    }
    case 'mint': {
      const name = a.other ? 'mallory' : PERSON[a.actor];
      await call(a.actor, 'POST', '/api/admin/tokens', {
        name,
        kind: 'admin',
        role: a.role,
        ...(a.role === 'squad' ? { squad: 'payments' } : {}),
      });
      return;
    }
    case 'tick':
      clock += a.minutes * 60_000;
      await createGuardrailCheckHandler(at(p.runtime, clock), quiet)();
      return;
    case 'emergency': {
      const f = await flag(FLAGS[a.flag]);
      await call(
        a.actor,
        'PUT',
        `/api/admin/flags/${f.name}/environments/production/channels/${CHANNELS[a.channel]}`,
        { version: f.version, enabled: true },
        { 'omnilab-emergency': 'incident drill' },
      );
      return;
    }
  }
}

const CUSTOMERS = CHANNELS.flatMap((channel) =>
  ['gold', 'basic'].flatMap((tier) => ['u-1', 'u-2', 'u-3'].map((userId) => ({ userId, channel, tier }))),
);

interface Observation {
  /** feature|customer → what that customer gets: on/off, variant, payload. */
  outcomes: Map<string, string>;
  /** Production experiments and the metrics they read. */
  definitions: string;
  /** Admin tokens: whose they are, their rights, who minted them. */
  identities: { id: string; person?: string; role?: string; squad?: string; createdBy?: string }[];
}

async function observe(): Promise<Observation> {
  const asClient = await p.call('GET', '/api/client/features', { token: p.tokens.productionClient });
  const served = await bodyOf<ClientFeaturesDocument>(asClient);
  const config = compile(served);
  const outcomes = new Map<string, string>();
  for (const f of served.features)
    for (const c of CUSTOMERS) {
      const r = evaluate(config, f.name, c);
      outcomes.set(
        `${f.name}|${c.userId}|${c.channel}|${c.tier}`,
        r.enabled ? `on|${r.variant.name}|${r.variant.payload?.value ?? ''}` : 'off',
      );
    }
  const experiments = (
    await bodyOf<{ experiments: ({ environment: string; status: string } & Record<string, unknown>)[] }>(
      await call('admin', 'GET', '/api/admin/experiments'),
    )
  ).experiments
    .filter((e) => e.environment === 'production')
    .map(({ version: _v, updatedAt: _u, createdAt: _c, ...rest }) => rest);
  const metrics = (
    await bodyOf<{ metrics: Record<string, unknown>[] }>(await call('admin', 'GET', '/api/admin/metrics'))
  ).metrics.map(({ version: _v, updatedAt: _u, createdAt: _c, ...rest }) => rest);
  const identities = (
    await bodyOf<{ tokens: (Observation['identities'][number] & { kind: string })[] }>(
      await call('admin', 'GET', '/api/admin/tokens'),
    )
  ).tokens.filter((t) => t.kind === 'admin');
  return {
    outcomes,
    definitions: canonicalJson({ experiments, metrics: experiments.length > 0 ? metrics : [] }),
    identities,
  };
}

function digestOf(cr: ChangeRequest): string {
  return createHash('sha256')
    .update(canonicalJson(JSON.parse(JSON.stringify(cr.change))))
    .digest('hex');
}

/** Approved on its current revision and digest, by a person other than its author. */
function fourEyes(cr: ChangeRequest): boolean {
  return (
    cr.change !== undefined &&
    cr.digest === digestOf(cr) &&
    cr.approvals.some((a) => a.revision === cr.revision && a.digest === cr.digest && a.by !== cr.author.name)
  );
}

function stepsApplied(cr: ChangeRequest | undefined): number {
  return (cr?.steps ?? []).filter((s) => s.appliedAt).length;
}

/** What the step did that may change production: applied requests, plan steps, kill switches, emergencies. */
function justifications(before: ChangeRequest[], after: ChangeRequest[]) {
  const was = new Map(before.map((c) => [c.id, c]));
  return after.filter((c) => {
    const prev = was.get(c.id);
    if (c.kind === 'kill-switch' || c.kind === 'emergency') return prev === undefined;
    if (c.kind === 'rollout-plan') return stepsApplied(c) > stepsApplied(prev);
    return c.status === 'applied' && prev?.status !== 'applied';
  });
}

/** Each seeded person's role: a platform admin holds every right there is. */
const ROLE_OF: Record<string, string> = {
  'local-admin': 'platform-admin',
  'admin-wang': 'platform-admin',
  'payments-squad': 'squad',
  'cards-squad': 'squad',
  'risk-li': 'auditor',
  'po-anna': 'product-owner',
};

function sameRights(t: Observation['identities'][number]): boolean {
  const minter = ROLE_OF[t.createdBy ?? ''];
  return minter === 'platform-admin' || minter === t.role;
}

let steps = 0;
let violations: string[] = [];
/** How often production changed, and what allowed it: so the property is seen not to hold vacuously. */
const tally = { productionChanged: 0, approved: 0, killSwitch: 0, emergency: 0, held: 0, minted: 0 };

async function check(
  before: Observation,
  after: Observation,
  crsBefore: ChangeRequest[],
  crsAfter: ChangeRequest[],
  a: Action,
) {
  const changed = [...new Set([...before.outcomes.keys(), ...after.outcomes.keys()])].filter(
    (k) => (before.outcomes.get(k) ?? 'off') !== (after.outcomes.get(k) ?? 'off'),
  );
  const definitionsChanged = before.definitions !== after.definitions;
  tally.held += crsAfter.filter((c) => c.status === 'open' && !crsBefore.some((b) => b.id === c.id)).length;
  // A token for somebody else, or with rights its minter lacks, is a change of identities and rights.
  const known = new Set(before.identities.map((t) => t.id));
  const rightsChanged = after.identities.some(
    (t) => !known.has(t.id) && t.createdBy !== undefined && (t.person !== t.createdBy || !sameRights(t)),
  );
  if (changed.length === 0 && !definitionsChanged && !rightsChanged) return;
  tally.productionChanged++;
  if (rightsChanged) tally.minted++;
  const why = justifications(crsBefore, crsAfter);
  const approved = why.filter((c) => (c.kind === 'change' || c.kind === 'rollout-plan') && fourEyes(c));
  const emergency = why.filter(
    (c) => c.kind === 'emergency' && c.status === 'needs-review' && c.emergencyReason,
  );
  const kill = why.filter((c) => c.kind === 'kill-switch');
  const onlyOff =
    !definitionsChanged && !rightsChanged && changed.every((k) => (after.outcomes.get(k) ?? 'off') === 'off');
  const ok = approved.length > 0 || emergency.length > 0 || (kill.length > 0 && onlyOff);
  if (approved.length > 0) tally.approved++;
  else if (emergency.length > 0) tally.emergency++;
  else if (kill.length > 0 && onlyOff) tally.killSwitch++;
  if (!ok)
    violations.push(
      `${JSON.stringify(a)} changed ${changed.slice(0, 3).join(', ')}${definitionsChanged ? ' + definitions' : ''}${rightsChanged ? ' + rights' : ''} with ${JSON.stringify(why.map((c) => ({ id: c.id, kind: c.kind, status: c.status, approvals: c.approvals })))}`,
    );
}

beforeAll(async () => {
  p = await startTestPlatform();
  await call('admin', 'PUT', '/api/admin/metrics/signups', {
    key: 'signups',
    name: 'Signups',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  });
  for (const name of FLAGS) {
    const res = await call('squadPayments', 'POST', '/api/admin/flags', { name, squad: 'payments' });
    expect(res.status).toBe(201);
  }
  const segment = await bodyOf<{ id: number }>(
    await call('squadPayments', 'POST', '/api/admin/segments', {
      name: 'gold',
      constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }],
    }),
  );
  segmentId = segment.id;
  expect(
    (await call('squadPayments', 'PUT', '/api/admin/experiments/px', experimentBody('px', 'development', 10)))
      .status,
  ).toBe(201);
});
afterAll(() => p.close());

describe('four eyes by effect, as a property', () => {
  it('no step changes what production customers get without an approved digest by another person, a pure kill switch, or an emergency under review', async () => {
    const started = Date.now();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 8, maxLength: MAX_STEPS }), async (actions) => {
        runs++;
        violations = [];
        let seen = await observe();
        let crs = await requests();
        for (const a of actions) {
          const open = crs.filter((c) =>
            ['open', 'approved', 'failed', 'needs-review', 'in-progress'].includes(c.status),
          );
          await perform(a, open);
          steps++;
          const now = await observe();
          const crsNow = await requests();
          await check(seen, now, crs, crsNow, a);
          seen = now;
          crs = crsNow;
        }
        expect(violations).toEqual([]);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    console.log(
      `four-eyes property: ${runs} runs, ${steps} steps, ${((Date.now() - started) / 1000).toFixed(1)} s; ${JSON.stringify(tally)}`,
    );
    expect(tally.productionChanged).toBeGreaterThan(0);
    expect(tally.held).toBeGreaterThan(0);
  }, 240_000);
});

/**
 * Release templates and plans, and promotion between environments. Templates are data; a plan
 * applies one to a flag in one environment and answers `{ status, milestones, current, gates,
 * safeguards }`. Plan routes never write the flag: they write the plan (its content, digest and
 * approvals), and the scheduler serves a milestone only while the plan's approvals cover its digest
 * (functions/services/release-scheduler.ts). Promotion writes the flag once, governed by its effect like
 * every admin write (built with createGovernedHttpHandler). A lifecycle stage set by a person is a
 * flag write too, declared protected where the flag has a protected environment (a change request
 * then holds it). A plan paused by a person notifies as a scheduler's pause does.
 */
import { NotFoundError, ValidationError } from '../../shared/model/errors';
import type { Flag } from '../../shared/model/flag';
import type { Principal } from '../../shared/model/token';
import {
  applyAction,
  createPlan,
  editPlan,
  gatesOf,
  PLAN_ACTIONS,
  type PlanAction,
  type PlanContent,
  type PlanMilestone,
  type ReleasePlan,
} from '../../shared/release/release-plan';
import { type ReleaseTemplate, templateProblem } from '../../shared/release/release-template';
import { mayApproveReleasePlan, mayRunReleasePlan } from '../../shared/rights/approval';
import { mayWriteTemplate, templateSquadFor } from '../../shared/rights/ownership';
import type { NotificationStore } from '../../shared/store/change-request-store';
import { type ApiRequest, json, type RouteHandlers } from '../http/api-types';
import type { ADMIN_RELEASES_ROUTES } from '../routes/admin-releases-routes';
import type { Runtime } from '../runtime/composition-root';
import {
  auditEntry,
  requireEnvironment,
  requireOwner,
  requireRight,
  requireVersion,
} from '../services/admin-support';
import { gate, protectedEnvironments } from '../services/governance';
import { cleanup, withLifecycle } from '../services/release-lifecycle';

const TERMINAL = new Set(['completed', 'aborted']);

/** The plan as the API answers it: the interface fields first, then the rest of the record. */
export function planView(plan: ReleasePlan, now: Date) {
  return {
    ...plan,
    status: plan.status,
    milestones: plan.milestones,
    current: plan.current,
    gates: gatesOf(plan, null, now),
    // Each safeguard with its latest checks, per channel, and their evidence.
    safeguards: plan.safeguards.map((s) => {
      const name = s.kind === 'metric' ? s.metric : `${s.kind}:${s.impactMetric}`;
      return { ...s, checks: plan.lastChecks.filter((c) => c.safeguard === name) };
    }),
  };
}

/**
 * The routes; `notifications` is where a person's pause is told (the real store: routes run staged,
 * and plan writes are not held, so their notice is not either).
 */
export function releaseRoutes(
  runtime: Runtime,
  notifications: Pick<NotificationStore, 'add'> = runtime.notifications,
): RouteHandlers<typeof ADMIN_RELEASES_ROUTES> {
  const { releases } = runtime;

  async function requireTemplate(id: string, field?: string): Promise<ReleaseTemplate> {
    const t = await releases.getTemplate(id);
    if (!t) {
      if (field) throw new ValidationError(`no release template ${id}`, field);
      throw new NotFoundError(`no release template ${id}`);
    }
    return t;
  }

  function checkTemplate(body: Pick<ReleaseTemplate, 'milestones'>) {
    const problem = templateProblem(body, runtime.config.channels);
    if (problem) throw new ValidationError(problem.message, problem.field);
  }

  async function requireFlag(name: string): Promise<Flag> {
    const flag = await runtime.flags.get(name);
    if (!flag) throw new NotFoundError(`no flag ${name}`);
    return flag;
  }

  /** The template's milestones as the plan holds them: audience segments resolved to their ids. */
  async function contentOf(
    template: ReleaseTemplate,
    flag: string,
    environment: string,
  ): Promise<PlanContent> {
    checkTemplate(template);
    const segments = await runtime.segments.list();
    const milestones = template.milestones.map((m, i): PlanMilestone => {
      const { audience, ...rest } = m;
      if (!audience) return rest;
      const seg = segments.find((s) => s.name === audience.segment);
      if (!seg)
        throw new ValidationError(
          `no segment named ${audience.segment}`,
          `template.milestones[${i}].audience.segment`,
        );
      return { ...rest, audience: { ...audience, segmentId: seg.id } };
    });
    return {
      flag,
      environment,
      milestones,
      safeguards: template.safeguards,
      rollback: template.rollback,
      alpha: template.alpha,
      skipped: [],
    };
  }

  const audit = (p: Principal, action: string, before: unknown, after: ReleasePlan | ReleaseTemplate) =>
    auditEntry(runtime, p, {
      action,
      target:
        'flag' in after
          ? { type: 'flag', id: after.flag }
          : { type: 'flag', id: `release-template:${after.id}` },
      environments: 'environment' in after ? [after.environment] : [],
      before,
      after,
    });

  async function planOf(req: ApiRequest): Promise<{ flag: Flag; env: string; plan: ReleasePlan | null }> {
    const flag = await requireFlag(req.params.name);
    const env = (await requireEnvironment(runtime, req.params.env)).name;
    return { flag, env, plan: await releases.getPlan(flag.name, env) };
  }

  return {
    'POST /api/admin/flags/{name}/promote': async (req) => {
      // One write of the flag, governed by its effect like any other: into a protected environment
      // it is held as a change request whose effect shows what customers there would get.
      const { from, to, version } = req.body;
      const flag = await requireFlag(req.params.name);
      requireOwner(req.principal, flag.squad, `flag ${flag.name}`);
      requireVersion(flag.version, version, `flag ${flag.name}`);
      const source = (await requireEnvironment(runtime, from)).name;
      const target = (await requireEnvironment(runtime, to)).name;
      if (source === target) throw new ValidationError('must differ from from', 'to');
      const state = flag.environments[source];
      if (!state) throw new ValidationError(`flag ${flag.name} has no state in ${source}`, 'from');
      const after: Flag = {
        ...flag,
        environments: { ...flag.environments, [target]: structuredClone(state) },
        version: flag.version + 1,
        updatedAt: runtime.now().toISOString(),
      };
      await runtime.flags.write(
        [{ flag: after, expectedVersion: flag.version }],
        [
          auditEntry(runtime, req.principal, {
            action: 'flag.promoted',
            target: { type: 'flag', id: flag.name },
            environments: [target],
            before: flag,
            after,
          }),
        ],
      );
      return json(200, after);
    },

    'PUT /api/admin/flags/{name}/lifecycle': async (req) => {
      const { stage, version } = req.body;
      const flag = await requireFlag(req.params.name);
      requireOwner(req.principal, flag.squad, `flag ${flag.name}`);
      requireVersion(flag.version, version, `flag ${flag.name}`);
      if (flag.archived && stage !== null)
        throw new ValidationError(
          `flag ${flag.name} is archived: revive it before setting its stage`,
          'stage',
        );
      const now = runtime.now().toISOString();
      const { lifecycleStage: _was, ...rest } = flag;
      const after: Flag = {
        ...rest,
        ...(stage === null ? {} : { lifecycleStage: { stage, since: now, by: req.principal.name } }),
        version: flag.version + 1,
        updatedAt: now,
      };
      const environments = Object.keys(flag.environments);
      // Where the flag is in a protected environment, a second person approves the stage first.
      await gate(runtime, req, {
        title: `set the lifecycle stage of flag ${flag.name} to ${stage ?? 'derived from evidence'}`,
        target: { type: 'flag', id: flag.name },
        squad: flag.squad,
        environments,
      });
      await runtime.flags.write(
        [{ flag: after, expectedVersion: flag.version }],
        [
          auditEntry(runtime, req.principal, {
            action: 'flag.lifecycle-set',
            target: { type: 'flag', id: flag.name },
            environments,
            before: flag,
            after,
          }),
        ],
      );
      return json(200, (await withLifecycle(runtime, [after]))[0]);
    },

    'GET /api/admin/release-cleanup': async (req) => {
      const raw = req.query.days ?? '30';
      const days = Number(raw);
      if (!/^\d{1,4}$/.test(raw) || days < 1)
        throw new ValidationError('must be a whole number of days, 1 to 9999', 'query.days');
      return json(200, { days, flags: await cleanup(runtime, days) });
    },

    'GET /api/admin/release-templates': async () =>
      json(200, {
        templates: (await releases.listTemplates()).sort((a, b) => a.id.localeCompare(b.id)),
      }),

    'POST /api/admin/release-templates': async (req) => {
      const { id, ...body } = req.body;
      checkTemplate(body);
      const at = runtime.now().toISOString();
      // It belongs to the squad that creates it (shared/rights/ownership.ts); a platform admin's to none.
      const squad = templateSquadFor(req.principal);
      const template: ReleaseTemplate = {
        id,
        ...body,
        ...(squad ? { squad } : {}),
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      await releases.writeTemplate(template, null, [
        audit(req.principal, 'release-template.created', null, template),
      ]);
      return json(201, template);
    },

    'GET /api/admin/release-templates/{id}': async (req) => json(200, await requireTemplate(req.params.id)),

    'PUT /api/admin/release-templates/{id}': async (req) => {
      const { version, ...body } = req.body;
      const before = await requireTemplate(req.params.id);
      requireRight(mayWriteTemplate(req.principal, before));
      requireVersion(before.version, version, `release template ${before.id}`);
      checkTemplate(body);
      const after: ReleaseTemplate = {
        ...before,
        ...body,
        version: before.version + 1,
        updatedAt: runtime.now().toISOString(),
      };
      await releases.writeTemplate(after, before.version, [
        audit(req.principal, 'release-template.updated', before, after),
      ]);
      return json(200, after);
    },

    'GET /api/admin/flags/{name}/environments/{env}/release-plan': async (req) => {
      const { plan } = await planOf(req);
      if (!plan) throw new NotFoundError(`flag ${req.params.name} has no release plan in ${req.params.env}`);
      return json(200, planView(plan, runtime.now()));
    },

    'PUT /api/admin/flags/{name}/environments/{env}/release-plan': async (req) => {
      const { template: templateId, version } = req.body;
      const { flag, env, plan } = await planOf(req);
      requireOwner(req.principal, flag.squad, `flag ${flag.name}`);
      const template = await requireTemplate(templateId, 'template');
      const content = await contentOf(template, flag.name, env);
      const now = runtime.now();
      if (plan && !TERMINAL.has(plan.status)) {
        requireVersion(plan.version, version, `the release plan of ${flag.name} in ${env}`);
        const edited = {
          ...editPlan(plan, content, req.principal.name, now),
          template: template.id,
          templateVersion: template.version,
          version: plan.version + 1,
        };
        await releases.writePlan(edited, plan.version, [
          audit(req.principal, 'release-plan.edited', plan, edited),
        ]);
        return json(200, planView(edited, now));
      }
      requireVersion(flag.version, version, `flag ${flag.name}`);
      const prot = (await protectedEnvironments(runtime)).has(env);
      const created = createPlan(content, {
        template: template.id,
        templateVersion: template.version,
        author: req.principal.name,
        squad: flag.squad,
        protectedEnvironment: prot,
        now,
      });
      const next = plan ? { ...created, version: plan.version + 1 } : created;
      await releases.writePlan(next, plan ? plan.version : null, [
        audit(req.principal, 'release-plan.created', plan, next),
      ]);
      return json(201, planView(next, now));
    },

    'POST /api/admin/flags/{name}/environments/{env}/release-plan/{action}': async (req) => {
      const action = req.params.action;
      if (!(PLAN_ACTIONS as readonly string[]).includes(action))
        throw new ValidationError(`must be one of ${PLAN_ACTIONS.join(', ')}`, 'action');
      const { version, milestone } = req.body;
      const { flag, env, plan } = await planOf(req);
      if (!plan) throw new NotFoundError(`flag ${flag.name} has no release plan in ${env}`);
      const p = req.principal;
      const role = p.kind === 'admin' ? p.role : undefined;
      // Platform admins and risk (auditors) approve any plan, a squad member their own squad's; the owner runs it.
      requireRight(
        action === 'approve' ? mayApproveReleasePlan(p, flag, plan.author) : mayRunReleasePlan(p, flag),
      );
      requireVersion(plan.version, version, `the release plan of ${flag.name} in ${env}`);
      const now = runtime.now();
      const acted = applyAction(plan, {
        action: action as PlanAction,
        by: p.name,
        role: role === 'platform-admin' || role === 'auditor' || role === 'squad' ? role : 'product-owner',
        now,
        ...(milestone !== undefined ? { milestone } : {}),
      });
      const next = { ...acted, version: plan.version + 1 };
      await releases.writePlan(next, plan.version, [audit(p, `release-plan.${action}`, plan, next)]);
      if (next.status === 'paused' && plan.status !== 'paused') {
        const where = `${flag.name} in ${env}`;
        await notifications.add({
          id: runtime.newId(),
          at: now.toISOString(),
          kind: 'rollout-stopped',
          subject: flag.name,
          message: `release of ${where} paused by ${p.name}: ${next.pausedReason ?? ''}`,
          details: { releasePlan: where, by: p.name },
        });
      }
      return json(200, planView(next, now));
    },
  };
}

/**
 * Segments, shared by every environment. Routes run staged; a change to a segment reaches a
 * protected environment when what it serves changes (a live flag names it there), and is held then.
 */
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/model/errors';
import type { SegmentDefinition } from '../../shared/model/flag';
import { segmentNameProblem } from '../../shared/model/names';
import { squadForCreate } from '../../shared/rights/ownership';
import { json, type RouteHandlers } from '../http/api-types';
import type { ADMIN_SEGMENTS_ROUTES } from '../routes/admin-segments-routes';
import type { Runtime } from '../runtime/composition-root';
import { auditEntry, requireOwner, requireVersion } from '../services/admin-support';
import { changesNothing, unchanged } from '../services/unchanged-write';

/** Ids taken by imports make the counter collide now and then; a few fresh ids always find a free one. */
const ID_ATTEMPTS = 20;

function segmentId(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id)) throw new ValidationError('must be a whole number', 'id');
  return id;
}

export function segmentRoutes(runtime: Runtime): RouteHandlers<typeof ADMIN_SEGMENTS_ROUTES> {
  const { segments } = runtime;
  const everyEnvironment = async () => (await runtime.environments.list()).map((e) => e.name);

  async function requireSegment(raw: string): Promise<SegmentDefinition> {
    const segment = await segments.get(segmentId(raw));
    if (!segment) throw new NotFoundError(`no segment ${raw}`);
    return segment;
  }

  return {
    'GET /api/admin/segments': async () => json(200, { segments: await segments.list() }),

    'GET /api/admin/segments/{id}': async (req) => json(200, await requireSegment(req.params.id)),

    'POST /api/admin/segments': async (req) => {
      const body = req.body;
      const nameProblem = segmentNameProblem(body.name);
      if (nameProblem) throw new ValidationError(nameProblem, 'name');
      const p = req.principal;
      const to = squadForCreate(p, body.squad, 'segments');
      if (!to.ok) throw new ForbiddenError(to.why);
      const squad = to.squad;
      const environments = await everyEnvironment();
      for (let attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
        const segment: SegmentDefinition = {
          id: await segments.nextId(),
          name: body.name,
          description: body.description ?? '',
          constraints: body.constraints,
          ...(squad ? { squad } : {}),
          version: 1,
        };
        try {
          await segments.write(
            [{ segment, expectedVersion: null }],
            [
              auditEntry(runtime, p, {
                action: 'segment.created',
                target: { type: 'segment', id: String(segment.id) },
                environments,
                before: null,
                after: segment,
              }),
            ],
          );
          return json(201, segment);
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e;
        }
      }
      throw new ConflictError('no free segment id: retry');
    },

    'PUT /api/admin/segments/{id}': async (req) => {
      const body = req.body;
      const segment = await requireSegment(req.params.id);
      requireOwner(req.principal, segment.squad, `segment ${segment.id}`);
      requireVersion(segment.version, body.version, `segment ${segment.id}`);
      // A stored name keeps working; a new name follows the rule.
      const renameProblem =
        body.name !== undefined && body.name !== segment.name ? segmentNameProblem(body.name) : undefined;
      if (renameProblem) throw new ValidationError(renameProblem, 'name');
      const { version: _v, ...fields } = body;
      const after = { ...segment, ...fields, version: segment.version + 1 };
      if (changesNothing(segment, after)) return unchanged(segment);
      await segments.write(
        [{ segment: after, expectedVersion: segment.version }],
        [
          auditEntry(runtime, req.principal, {
            action: 'segment.updated',
            target: { type: 'segment', id: String(segment.id) },
            environments: await everyEnvironment(),
            before: segment,
            after,
          }),
        ],
      );
      return json(200, after);
    },
  };
}

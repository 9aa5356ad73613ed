/** The admin-segments function's routes: segments, shared by every environment. */
import { segmentCreateSchema, segmentUpdateSchema } from '../schemas/admin-schemas';
import type { RouteDeclarations } from './route-declaration';

const fn = { function: 'admin-segments', entry: 'functions/handlers/admin-segments-handler.ts' } as const;

export const ADMIN_SEGMENTS_ROUTES = {
  'GET /api/admin/segments': { ...fn, access: 'admin-read', summary: 'List segments' },
  'POST /api/admin/segments': {
    ...fn,
    access: 'admin-write',
    summary: 'Create a segment',
    body: segmentCreateSchema,
  },
  'GET /api/admin/segments/{id}': { ...fn, access: 'admin-read', summary: 'Read a segment' },
  'PUT /api/admin/segments/{id}': {
    ...fn,
    access: 'admin-write',
    summary: 'Change a segment (carries the version read)',
    body: segmentUpdateSchema,
  },
} as const satisfies RouteDeclarations;

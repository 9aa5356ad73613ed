/** The admin-flags function's routes: flags, their state per environment and channel, audit and SDK counts. */
import {
  auditQuerySchema,
  channelToggleSchema,
  environmentStateUpdateSchema,
  flagCreateSchema,
  flagUpdateSchema,
} from '../schemas/admin-schemas';
import type { RouteDeclarations } from './route-declaration';

const fn = { function: 'admin-flags', entry: 'functions/handlers/admin-flags-handler.ts' } as const;

export const ADMIN_FLAGS_ROUTES = {
  'GET /api/admin/flags': { ...fn, access: 'admin-read', summary: 'List flags' },
  'POST /api/admin/flags': { ...fn, access: 'admin-write', summary: 'Create a flag', body: flagCreateSchema },
  'GET /api/admin/flags/{name}': { ...fn, access: 'admin-read', summary: 'Read a flag' },
  'PUT /api/admin/flags/{name}': {
    ...fn,
    access: 'admin-write',
    summary: 'Change a flag (carries the version read)',
    body: flagUpdateSchema,
  },
  'PUT /api/admin/flags/{name}/environments/{env}': {
    ...fn,
    access: 'admin-write',
    summary: "Change a flag's state in one environment",
    body: environmentStateUpdateSchema,
  },
  'PUT /api/admin/flags/{name}/environments/{env}/channels/{channel}': {
    ...fn,
    access: 'admin-write',
    summary: 'Turn a flag on or off for one channel of one environment',
    body: channelToggleSchema,
  },
  'GET /api/admin/flags/{name}/audit': {
    ...fn,
    access: 'admin-read',
    summary: "A flag's audit log, newest first",
    query: auditQuerySchema,
  },
  'GET /api/admin/flags/{name}/metrics': {
    ...fn,
    access: 'admin-read',
    summary: 'Yes/no/variant counts reported by SDKs, per app and channel',
  },
} as const satisfies RouteDeclarations;

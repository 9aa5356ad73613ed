/** The admin-governance function's routes: change requests, the audit chain's verification and export, notifications. */
import {
  auditExportQuerySchema,
  changeRequestDecisionSchema,
  changeRequestEditSchema,
  changeRequestListSchema,
  notificationsQuerySchema,
} from '../schemas/admin-schemas';
import type { RouteDeclarations } from './route-declaration';

const fn = { function: 'admin-governance', entry: 'functions/handlers/admin-governance-handler.ts' } as const;

export const ADMIN_GOVERNANCE_ROUTES = {
  'GET /api/admin/change-requests': {
    ...fn,
    access: 'admin-read',
    summary: 'List change requests, newest first',
    query: changeRequestListSchema,
  },
  'GET /api/admin/change-requests/{id}': { ...fn, access: 'admin-read', summary: 'Read a change request' },
  // The author edits (a squad or platform admin); who is who is the route's check.
  'PUT /api/admin/change-requests/{id}': {
    ...fn,
    access: 'admin-write',
    summary: "Edit a change request's write (the author only); approvals given so far stop counting",
    body: changeRequestEditSchema,
  },
  'POST /api/admin/change-requests/{id}/approve': {
    ...fn,
    access: 'approver',
    summary: 'Approve a change request (never your own), or review a kill switch',
    body: changeRequestDecisionSchema,
  },
  'POST /api/admin/change-requests/{id}/reject': {
    ...fn,
    access: 'approver',
    summary: 'Reject a change request (its author withdraws it)',
    body: changeRequestDecisionSchema,
  },
  'POST /api/admin/change-requests/{id}/apply': {
    ...fn,
    access: 'approver',
    summary: 'Apply an approved change request now',
    body: changeRequestDecisionSchema,
  },
  'GET /api/admin/audit/verify': {
    ...fn,
    access: 'audit-read',
    summary: 'Verify the audit hash chain; names the first broken entry',
  },
  'GET /api/admin/audit/export': {
    ...fn,
    access: 'audit-read',
    summary: 'The audit log for a date range, as JSON or CSV, with its hashes',
    query: auditExportQuerySchema,
  },
  'GET /api/admin/notifications': {
    ...fn,
    access: 'admin-read',
    summary: 'Guardrail roll-backs and other alerts, newest first',
    query: notificationsQuerySchema,
  },
} as const satisfies RouteDeclarations;

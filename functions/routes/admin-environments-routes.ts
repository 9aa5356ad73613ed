/**
 * The admin-environments function's routes: environments, their audit, applications, Unleash
 * import and export, Unleash and AppConfig imports, context fields, tag types and the OpenFeature
 * CLI's manifest.
 */
import { appConfigFlagsSchema, appConfigImportQuerySchema } from '../../shared/model/appconfig-import';
import {
  exportQuerySchema,
  unleashExportSchema,
  unleashImportQuerySchema,
} from '../../shared/model/unleash-export-schema';
import {
  auditQuerySchema,
  environmentCreateSchema,
  environmentUpdateSchema,
  importSchema,
} from '../schemas/admin-schemas';
import type { RouteDeclarations } from './route-declaration';

const fn = {
  function: 'admin-environments',
  entry: 'functions/handlers/admin-environments-handler.ts',
} as const;

/** Imports carry whole documents: up to 5 MB. */
const IMPORT_BYTES = 5 * 1024 * 1024;

export const ADMIN_ENVIRONMENTS_ROUTES = {
  'GET /api/admin/environments': { ...fn, access: 'admin-read', summary: 'List environments' },
  'POST /api/admin/environments': {
    ...fn,
    access: 'platform-admin',
    summary: 'Create an environment',
    body: environmentCreateSchema,
  },
  'GET /api/admin/environments/{env}/audit': {
    ...fn,
    access: 'admin-read',
    summary: "An environment's audit log, newest first",
    query: auditQuerySchema,
  },
  'GET /api/admin/environments/{env}/applications': {
    ...fn,
    access: 'admin-read',
    summary: 'SDK instances that registered',
  },
  'POST /api/admin/environments/{env}/import': {
    ...fn,
    access: 'platform-admin',
    summary: 'Make the flags match an Unleash client-features document',
    body: importSchema,
    maxBodyBytes: IMPORT_BYTES,
  },
  'GET /api/admin/environments/{env}/export': {
    ...fn,
    access: 'admin-read',
    summary: "The environment's Unleash client-features document; format=unleash: a features-batch export",
    query: exportQuerySchema,
  },
  'PUT /api/admin/environments/{env}': {
    ...fn,
    access: 'platform-admin',
    summary: 'Protect an environment, or ask to lift its protection (a change request)',
    body: environmentUpdateSchema,
  },
  // An Unleash features-batch export: its plan (writes nothing), and the governed import.
  'POST /api/admin/import/unleash/plan': {
    ...fn,
    access: 'admin-read',
    summary: 'The plan of importing an Unleash features-batch export: per flag what changes, and warnings',
    body: unleashExportSchema,
    query: unleashImportQuerySchema,
    maxBodyBytes: IMPORT_BYTES,
  },
  'POST /api/admin/import/unleash': {
    ...fn,
    access: 'platform-admin',
    summary: 'Import an Unleash features-batch export (through governance: production changes are held)',
    body: unleashExportSchema,
    query: unleashImportQuerySchema,
    maxBodyBytes: IMPORT_BYTES,
  },
  // An AWS AppConfig feature-flag profile: its plan, and the governed import.
  'POST /api/admin/import/appconfig/plan': {
    ...fn,
    access: 'admin-read',
    summary: 'The plan of importing an AWS AppConfig feature-flag profile (AWS.AppConfig.FeatureFlags)',
    body: appConfigFlagsSchema,
    query: appConfigImportQuerySchema,
    maxBodyBytes: IMPORT_BYTES,
  },
  'POST /api/admin/import/appconfig': {
    ...fn,
    access: 'platform-admin',
    summary: 'Import an AWS AppConfig feature-flag profile into one environment (through governance)',
    body: appConfigFlagsSchema,
    query: appConfigImportQuerySchema,
    maxBodyBytes: IMPORT_BYTES,
  },
  // Context field definitions and tag types an Unleash import stored (read-only here).
  'GET /api/admin/context-fields': {
    ...fn,
    access: 'admin-read',
    summary: 'Context field definitions, as an Unleash import brought them (exported with format=unleash)',
  },
  'GET /api/admin/tag-types': {
    ...fn,
    access: 'admin-read',
    summary: 'Tag types (as an Unleash import brought them; exported back with format=unleash)',
  },
  // The OpenFeature CLI's manifest API (sync v0), for `openfeature pull`.
  'GET /openfeature/v0/manifest': {
    ...fn,
    access: 'admin-read',
    summary: 'OpenFeature CLI manifest: every flag with its type and default value, for openfeature pull',
  },
} as const satisfies RouteDeclarations;

/** The table definitions moved to functions/tables/tables.ts (runtime code reads them there); this path re-exports them for importers not yet moved. */
export * from '../functions/tables/tables';

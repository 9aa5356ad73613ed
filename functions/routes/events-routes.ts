/** The events function's route: one batch of exposure, metric and identify events from any channel. */
import { MAX_EVENT_BATCH_BYTES } from '../../shared/model/event';
import { eventBatchSchema } from '../../shared/model/event-schema';
import type { RouteDeclarations } from './route-declaration';

export const EVENTS_ROUTES = {
  'POST /api/events': {
    function: 'events',
    entry: 'functions/handlers/events-handler.ts',
    access: 'client',
    summary: 'Ingest up to 500 exposure and metric events; each gets its own outcome',
    body: eventBatchSchema,
    maxBodyBytes: MAX_EVENT_BATCH_BYTES,
    ownNumbers: 'events',
  },
} as const satisfies RouteDeclarations;

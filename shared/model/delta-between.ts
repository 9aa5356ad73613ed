/**
 * The delta between two client-features documents, as Unleash's delta protocol carries it:
 * segment updates and removals, then feature updates and removals, each only when it changed.
 */
import type { ClientFeaturesDocument, DeltaEvent } from './client-features';

/** The events that turn `before` into `after`, each stamped with `eventId`, the revision that carries them. */
export function deltaBetween(
  before: ClientFeaturesDocument,
  after: ClientFeaturesDocument,
  eventId: number,
): DeltaEvent[] {
  const events: DeltaEvent[] = [];
  const oldSegments = new Map((before.segments ?? []).map((s) => [s.id, JSON.stringify(s)]));
  const newSegmentIds = new Set<number>();
  for (const segment of after.segments ?? []) {
    newSegmentIds.add(segment.id);
    if (oldSegments.get(segment.id) !== JSON.stringify(segment))
      events.push({ eventId, type: 'segment-updated', segment });
  }
  const oldFeatures = new Map(before.features.map((f) => [f.name, f]));
  const newNames = new Set<string>();
  for (const feature of after.features) {
    newNames.add(feature.name);
    const old = oldFeatures.get(feature.name);
    if (!old || JSON.stringify(old) !== JSON.stringify(feature))
      events.push({ eventId, type: 'feature-updated', feature });
  }
  for (const old of before.features) {
    if (!newNames.has(old.name))
      events.push({
        eventId,
        type: 'feature-removed',
        featureName: old.name,
        ...(old.project ? { project: old.project } : {}),
      });
  }
  // Segments go last when removed: no feature still served refers to them by then.
  for (const id of oldSegments.keys()) {
    if (!newSegmentIds.has(id)) events.push({ eventId, type: 'segment-removed', segmentId: id });
  }
  return events;
}

/** A hydration event: the whole document, as the first event of a fresh stream. */
export function hydrationOf(document: ClientFeaturesDocument, eventId: number): DeltaEvent {
  return { eventId, type: 'hydration', features: document.features, segments: document.segments ?? [] };
}

/**
 * The delta protocol: a document of events (`hydration`, `feature-updated`, `feature-removed`,
 * `segment-updated`, `segment-removed`) applied in order into the full client-features document.
 */
import type {
  ClientFeaturesDocument,
  DeltaDocument,
  DeltaEvent,
  Feature,
  Segment,
} from '../model/client-features';
import { checkFeature, checkSegment, list, need, object, text } from './document-checks';

/** Applies delta events (hydration, feature and segment updates and removals) in order. */
export function applyDelta(doc: DeltaDocument): ClientFeaturesDocument {
  const features = new Map<string, Feature>();
  const segments = new Map<number, Segment>();
  const putFeature = (f: unknown, at: string) => {
    const feature = checkFeature(f, at);
    features.set(feature.name, feature);
  };
  const putSegment = (s: unknown, at: string) => {
    const segment = checkSegment(s, at);
    segments.set(segment.id, segment);
  };
  for (const [i, item] of doc.events.entries()) {
    const at = `events[${i}]`;
    const e = object(item, at) as unknown as DeltaEvent;
    switch (e.type) {
      case 'hydration':
        features.clear();
        segments.clear();
        need(Array.isArray(e.features), `${at}.features`, 'an array');
        for (const [j, f] of e.features.entries()) putFeature(f, `${at}.features[${j}]`);
        for (const [j, s] of list(e.segments, `${at}.segments`).entries())
          putSegment(s, `${at}.segments[${j}]`);
        break;
      case 'feature-updated':
        putFeature(e.feature, `${at}.feature`);
        break;
      case 'feature-removed':
        text(e.featureName, `${at}.featureName`);
        features.delete(e.featureName);
        break;
      case 'segment-updated':
        putSegment(e.segment, `${at}.segment`);
        break;
      case 'segment-removed':
        need(typeof e.segmentId === 'number', `${at}.segmentId`, 'a number');
        segments.delete(e.segmentId);
        break;
      default:
        need(false, `${at}.type`, 'a delta event type');
    }
  }
  return { version: 2, features: [...features.values()], segments: [...segments.values()] };
}

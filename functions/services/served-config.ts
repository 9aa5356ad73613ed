/**
 * The document an environment serves, and its compiled form for server-side evaluation. A Lambda
 * instance reuses what it read for `cacheMs`, so a burst of SDK polls costs two queries, not two
 * per request.
 */
import { createHash } from 'node:crypto';
import { type CompiledConfig, compile } from '../../shared/evaluation/compile';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import type { Flag, SegmentDefinition } from '../../shared/model/flag';
import { DEFAULT_SENSITIVE_FIELDS, hideTargeting } from '../../shared/model/hide-targeting';
import { toClientFeaturesDocument } from '../../shared/model/served-document';
import type { FlagStore } from '../../shared/store/flag-store';
import type { SegmentStore } from '../../shared/store/segment-store';

export interface ServedDocument {
  document: ClientFeaturesDocument;
  /** A strong ETag over the document's bytes. */
  etag: string;
  body: string;
  /** Each served flag's tags (`type:value`, or a bare omnilab tag), for the client API's `tag` filter. */
  tags?: ReadonlyMap<string, readonly string[]>;
}

export interface DocumentOptions {
  inlineSegments?: boolean;
  /** For keys that ship in apps: sensitive targeting values as salted hashes (shared/model/hide-targeting.ts). */
  hideTargeting?: boolean;
}

export interface ServedConfig {
  document(environment: string, options?: DocumentOptions): Promise<ServedDocument>;
  compiled(environment: string): Promise<{ config: CompiledConfig; etag: string }>;
}

export function etagOf(text: string): string {
  return `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
}

interface Snapshot {
  at: number;
  /** When the flags and segments were last read whole, and the config revision read just before. */
  readAt: number;
  revision?: string;
  /** The revision moved at the last whole read: read whole once more a second later (see load). */
  recheck?: boolean;
  flags: Flag[];
  segments: SegmentDefinition[];
  documents: Map<string, ServedDocument>;
  compiled: Map<string, { config: CompiledConfig; etag: string }>;
}

/**
 * The salt of an app key's document: derived from the plain document, so every Lambda instance
 * serves the same bytes (and ETag) for the same flags, and a new salt comes with every change.
 */
function saltOf(environment: string, plainBody: string): string {
  return createHash('sha256')
    .update(`omnilab hidden targeting\n${environment}\n${plainBody}`)
    .digest('base64url')
    .slice(0, 22);
}

/** `hideValue` (shared/evaluation/sha256.ts) by node:crypto: the same 128 bits, several times faster. */
export function nodeHideValue(salt: string, value: string): string {
  return createHash('sha256')
    .update(salt + value, 'utf8')
    .digest('hex')
    .slice(0, 32);
}

export function createServedConfig(deps: {
  flags: FlagStore;
  segments: SegmentStore;
  channels: readonly string[];
  cacheMs: number;
  /** The context fields an app key's document hides; default DEFAULT_SENSITIVE_FIELDS. */
  sensitiveFields?: readonly string[];
  /**
   * The config revision (FlagStore.revision): when given, an expired snapshot is kept while the
   * revision has not moved, at the cost of one small read instead of reading every flag.
   */
  revision?: () => Promise<string>;
  /** With `revision`: read whole at least this often anyway (writes made around the stores). */
  fullReadMs?: number;
}): ServedConfig {
  let snapshot: Snapshot | null = null;
  let loading: Promise<Snapshot> | null = null;
  const sensitiveFields = deps.sensitiveFields ?? DEFAULT_SENSITIVE_FIELDS;
  // Hashing every customer id again on each reload would cost more than the reload: the hidden
  // form is kept by the plain document's ETag, across snapshots.
  const hiddenByPlainEtag = new Map<string, ServedDocument>();

  const fullReadMs = deps.fullReadMs ?? 60_000;

  /**
   * With a revision: the snapshot stays while the revision has not moved. Reads are eventually
   * consistent, so the flags read right after the revision moved may not show the write yet: a
   * snapshot read at a move is read whole once more a second later.
   */
  async function reuse(current: Snapshot, at: number): Promise<{ keep: boolean; revision?: string }> {
    if (!deps.revision) return { keep: false };
    const revision = await deps.revision();
    const settled = !current.recheck || at - current.readAt < 1000;
    const keep = revision === current.revision && settled && at - current.readAt < fullReadMs;
    return { keep, revision };
  }

  async function load(): Promise<Snapshot> {
    if (snapshot && Date.now() - snapshot.at < deps.cacheMs) return snapshot;
    if (deps.cacheMs > 0 && loading) return loading;
    const at = Date.now();
    const previous = snapshot;
    const pending = (async () => {
      let revision: string | undefined;
      if (previous) {
        const r = await reuse(previous, at);
        if (r.keep) {
          previous.at = at;
          return previous;
        }
        revision = r.revision;
      } else if (deps.revision) revision = await deps.revision();
      const [flags, segments] = await Promise.all([deps.flags.list(), deps.segments.list()]);
      const moved = previous !== null && revision !== undefined && revision !== previous.revision;
      const s: Snapshot = {
        at,
        readAt: at,
        revision,
        recheck: moved,
        flags,
        segments,
        documents: new Map(),
        compiled: new Map(),
      };
      snapshot = s;
      return s;
    })();
    loading = pending;
    try {
      return await pending;
    } finally {
      if (loading === pending) loading = null;
    }
  }

  async function document(environment: string, options: DocumentOptions = {}): Promise<ServedDocument> {
    if (options.hideTargeting) {
      const plain = await document(environment, { inlineSegments: options.inlineSegments });
      const memoKey = `${environment}|${plain.etag}`;
      const known = hiddenByPlainEtag.get(memoKey);
      if (known) return known;
      const doc = hideTargeting(plain.document, {
        salt: saltOf(environment, plain.body),
        fields: sensitiveFields,
        hash: nodeHideValue,
      });
      const body = JSON.stringify(doc);
      const hidden = { document: doc, body, etag: etagOf(body), tags: plain.tags };
      if (hiddenByPlainEtag.size >= 64) hiddenByPlainEtag.clear();
      hiddenByPlainEtag.set(memoKey, hidden);
      return hidden;
    }
    const s = await load();
    const key = `${environment}|${options.inlineSegments === true}`;
    const cached = s.documents.get(key);
    if (cached) return cached;
    const doc = toClientFeaturesDocument(s.flags, s.segments, {
      environment,
      channels: deps.channels,
      inlineSegments: options.inlineSegments,
    });
    const body = JSON.stringify(doc);
    const tags = new Map(s.flags.map((f) => [f.name, f.tags]));
    const served = { document: doc, body, etag: etagOf(body), tags };
    s.documents.set(key, served);
    return served;
  }

  return {
    document,
    async compiled(environment) {
      const s = await load();
      const cached = s.compiled.get(environment);
      if (cached) return cached;
      const served = await document(environment);
      const result = { config: compile(served.document), etag: served.etag };
      s.compiled.set(environment, result);
      return result;
    },
  };
}

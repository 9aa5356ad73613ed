/**
 * FlagServer, the SDK tests' real HTTP peer (features with ETag, events deduplicated by id,
 * scripted outages), with wait helpers and a sample document.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import type { EventOutcome, OmnilabEvent } from '../../shared/model/event';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  status: number;
  at: number;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A real HTTP peer for the SDK's tests, speaking the two endpoints the SDK uses the way the
 * platform does: `/api/client/features` with ETag and token checks, and `/api/events` deduplicating
 * by event id. Answers can be scripted per path to play an outage, a rate limit or a lost response.
 */
export class FlagServer {
  document: ClientFeaturesDocument;
  token = 'client-key';
  readonly requests: RecordedRequest[] = [];
  /** Every event body received, in order, retries included. */
  readonly received: OmnilabEvent[] = [];
  /** Events counted once per id, as ingestion does. */
  readonly accepted = new Map<string, OmnilabEvent>();
  reject: (event: OmnilabEvent) => boolean = () => false;
  /** Files served as is at their path, for the browser test's page and bundle. */
  readonly files = new Map<string, { type: string; body: string | Buffer }>();
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private lostResponses = 0;
  private server: Server | null = null;
  port = 0;

  constructor(document: ClientFeaturesDocument) {
    this.document = document;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  etag(): string {
    return `"${createHash('sha1').update(JSON.stringify(this.document)).digest('hex').slice(0, 16)}"`;
  }

  /** The next answers for a path, before normal service resumes. */
  script(path: string, ...answers: ScriptedAnswer[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...answers]);
  }

  /** The next event batches are ingested but their connection is cut before the answer. */
  loseResponses(n: number): void {
    this.lostResponses = n;
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const answer = (status: number, headers: Record<string, string> = {}, text: string | Buffer = '') => {
      this.requests.push({ method: req.method ?? '', path, headers: req.headers, status, at: Date.now() });
      res.writeHead(status, headers);
      res.end(text);
    };
    const file = this.files.get(path);
    if (file) return answer(200, { 'Content-Type': file.type }, file.body);
    const scripted = this.scripts.get(path)?.shift();
    if (scripted) return answer(scripted.status, scripted.headers, scripted.body ?? '');
    if (req.headers.authorization !== this.token) return answer(401, {}, 'unauthorized');
    if (path === '/api/client/features' && req.method === 'GET') {
      const etag = this.etag();
      if (req.headers['if-none-match'] === etag) return answer(304, { ETag: etag });
      return answer(200, { ETag: etag, 'Content-Type': 'application/json' }, JSON.stringify(this.document));
    }
    if (path === '/api/events' && req.method === 'POST') {
      const { events } = JSON.parse(body) as { events: OmnilabEvent[] };
      const results: EventOutcome[] = events.map((e) => {
        this.received.push(e);
        if (this.reject(e)) return { id: e.id, status: 'rejected', reason: 'userId: must be set' };
        if (this.accepted.has(e.id)) return { id: e.id, status: 'duplicate' };
        this.accepted.set(e.id, e);
        return { id: e.id, status: 'accepted' };
      });
      if (this.lostResponses > 0) {
        this.lostResponses--;
        this.requests.push({ method: 'POST', path, headers: req.headers, status: 0, at: Date.now() });
        req.socket.destroy();
        return;
      }
      return answer(200, { 'Content-Type': 'application/json' }, JSON.stringify({ results }));
    }
    return answer(404, {}, 'not found');
  }
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A document with a release flag per channel and an experiment with two variants. */
export function sampleDocument(overrides: { checkoutEnabled?: boolean } = {}): ClientFeaturesDocument {
  return {
    version: 2,
    features: [
      {
        name: 'new-checkout',
        type: 'release',
        enabled: overrides.checkoutEnabled ?? true,
        strategies: [
          {
            name: 'default',
            parameters: {},
            constraints: [{ contextName: 'channel', operator: 'IN', values: ['mobile', 'web'] }],
          },
        ],
      },
      {
        name: 'new-app-only',
        type: 'release',
        enabled: true,
        strategies: [
          {
            name: 'default',
            constraints: [{ contextName: 'appVersion', operator: 'SEMVER_GTE', value: '5.0.0' }],
          },
        ],
      },
      {
        name: 'transfer-button',
        type: 'experiment',
        enabled: true,
        strategies: [
          {
            name: 'flexibleRollout',
            parameters: { rollout: '100', stickiness: 'default', groupId: 'transfer-button' },
          },
        ],
        variants: [
          { name: 'control', weight: 500, stickiness: 'default', payload: { type: 'string', value: 'blue' } },
          {
            name: 'treatment',
            weight: 500,
            stickiness: 'default',
            payload: { type: 'string', value: 'green' },
          },
        ],
      },
      {
        name: 'closed-experiment',
        type: 'experiment',
        enabled: false,
        strategies: [{ name: 'default' }],
        variants: [{ name: 'a', weight: 1000 }],
      },
    ],
  };
}

/**
 * The token store in memory: the same contract as the DynamoDB one (records keyed by
 * HMAC(pepper, SHA-256(secret)), legacy bare-SHA-256 records still read and re-keyed by
 * `migrateLegacy`, create refusing an existing key, revoke by public id, audit entries chained).
 */
import { ConflictError, NotFoundError } from '../../../shared/model/errors';
import type { TokenRecord } from '../../../shared/model/token';
import type { TokenStore } from '../../../shared/store/token-store';
import { generateTokenId, type PepperSource, pepperedKey } from '../../services/tokens';
import type { MemoryAuditLog } from './memory-audit-log';

const withId = (t: TokenRecord): TokenRecord =>
  structuredClone(t.id === undefined ? { ...t, id: t.hash } : t);

export function createMemoryTokenStore(audit: MemoryAuditLog, pepper: PepperSource): TokenStore {
  /** By stored key: the peppered hash, or a legacy record's bare SHA-256. */
  const tokens = new Map<string, TokenRecord>();
  const byId = (id: string) => [...tokens.values()].find((t) => (t.id ?? t.hash) === id) ?? null;
  return {
    async get(digest) {
      const token = tokens.get(pepperedKey(digest, await pepper()));
      if (token) return withId(token);
      const legacy = tokens.get(digest);
      return legacy && legacy.id === undefined ? withId(legacy) : null;
    },
    getById: async (id) => {
      const t = byId(id);
      return t ? withId(t) : null;
    },
    list: async () =>
      [...tokens.values()]
        .map(withId)
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0)),
    keyFor: async (digest) => pepperedKey(digest, await pepper()),
    async create(token, entries) {
      if (!token.id) throw new Error('a new token needs its id');
      if (tokens.has(token.hash)) throw new ConflictError('this token exists', 'ALREADY_EXISTS');
      tokens.set(token.hash, structuredClone(token));
      audit.append(entries);
    },
    async seed(seeded) {
      const p = await pepper();
      // The id of a seeded token is derived from its key, so re-seeding at every start keeps it.
      for (const t of seeded) {
        const hash = pepperedKey(t.hash, p);
        tokens.set(hash, {
          ...structuredClone(t),
          hash,
          id: t.id ?? `tok_${pepperedKey(`id:${hash}`, p).slice(0, 24)}`,
        });
      }
    },
    async revoke(id, entries) {
      const token = byId(id);
      if (!token) throw new NotFoundError('no such token');
      tokens.delete(token.hash);
      audit.append(entries);
    },
    async migrateLegacy() {
      const p = await pepper();
      const legacy = [...tokens.values()].filter((t) => t.id === undefined);
      for (const t of legacy) {
        tokens.delete(t.hash);
        const hash = pepperedKey(t.hash, p);
        if (!tokens.has(hash)) tokens.set(hash, { ...t, hash, id: generateTokenId() });
      }
      return legacy.length;
    },
  };
}

/**
 * The audit log is one global hash chain: every entry carries its sequence number and the hash of
 * the entry before it, and its own hash is SHA-256 over a canonical JSON of everything else. An
 * entry edited, removed or inserted by hand breaks the chain at that point, and verification
 * names the first sequence where it breaks.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../model/audit';
import { csvCell } from '../model/csv-cell';

/** The hash the first entry chains to. */
export const GENESIS_HASH = '0'.repeat(64);

/** Digits of the chain partition's sort key: sorts as a string in sequence order. */
export const SEQUENCE_DIGITS = 12;

export function sequenceKey(sequence: number): string {
  return String(sequence).padStart(SEQUENCE_DIGITS, '0');
}

/** JSON with object keys sorted at every depth, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The entry as the database will give it back: what JSON can say, nothing more (undefined
 * dropped), so the hash computed before the write equals the one recomputed after a read.
 */
export function normalizeEntry(entry: AuditEntry): AuditEntry {
  return JSON.parse(JSON.stringify(entry)) as AuditEntry;
}

export function entryHash(entry: AuditEntry): string {
  const { hash: _hash, ...rest } = entry;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

export interface ChainHead {
  sequence: number;
  hash: string;
  /**
   * The latest head recorded outside the table (shared/store/audit-anchor.ts), when there is an
   * anchor: the chain must reach it and hold the same hash there, or it was truncated or rewritten.
   */
  anchored?: { sequence: number; hash: string };
}

/** Links entries after `head`, in order: sequence, previous hash, own hash. */
export function chainEntries(head: ChainHead, entries: readonly AuditEntry[]): AuditEntry[] {
  let previous = head;
  return entries.map((e) => {
    const linked = normalizeEntry({ ...e, sequence: previous.sequence + 1, previousHash: previous.hash });
    delete linked.hash;
    const hashed = { ...linked, hash: entryHash(linked) };
    previous = { sequence: hashed.sequence!, hash: hashed.hash };
    return hashed;
  });
}

export interface ChainVerification {
  ok: boolean;
  /** Entries read and checked. */
  checked: number;
  firstBrokenSequence?: number;
  reason?: string;
}

/**
 * Checks entries in sequence order against each other and against the head: each hash is the
 * hash of its entry, each previousHash the hash before it, no sequence missing, none after the
 * head, none missing at the end; and, when the head carries an anchored head, that the chain
 * reaches it with the same hash there (a truncated or rewritten chain shows).
 */
export function verifyChain(entries: readonly AuditEntry[], head: ChainHead | null): ChainVerification {
  let previous: ChainHead = { sequence: 0, hash: GENESIS_HASH };
  let checked = 0;
  const broken = (sequence: number, reason: string): ChainVerification => ({
    ok: false,
    checked,
    firstBrokenSequence: sequence,
    reason,
  });
  for (const e of entries) {
    const expected = previous.sequence + 1;
    checked++;
    if (e.sequence !== expected) {
      return broken(
        expected,
        `entry ${expected} is missing (found ${e.sequence} after ${previous.sequence})`,
      );
    }
    if (e.previousHash !== previous.hash) {
      return broken(expected, `entry ${expected} does not chain to the hash of entry ${previous.sequence}`);
    }
    if (e.hash !== entryHash(e)) {
      return broken(expected, `entry ${expected} was changed after it was written (its hash does not match)`);
    }
    if (head?.anchored && head.anchored.sequence === expected && head.anchored.hash !== e.hash) {
      return broken(
        expected,
        `entry ${expected} differs from the anchored head: the chain was rewritten up to there`,
      );
    }
    previous = { sequence: expected, hash: e.hash };
  }
  const anchored = head?.anchored;
  if (anchored && anchored.sequence > previous.sequence) {
    return broken(
      previous.sequence + 1,
      `entries ${previous.sequence + 1}–${anchored.sequence} are missing: the chain was truncated at its head (the anchor holds ${anchored.sequence})`,
    );
  }
  const last = head ?? { sequence: 0, hash: GENESIS_HASH };
  if (last.sequence > previous.sequence) {
    return broken(previous.sequence + 1, `entries ${previous.sequence + 1}–${last.sequence} are missing`);
  }
  if (last.sequence < previous.sequence || last.hash !== previous.hash) {
    return broken(last.sequence || 1, 'the chain head does not match the last entry');
  }
  return { ok: true, checked };
}

/**
 * The CSV auditors asked for: one row per entry, before/after as JSON, RFC 4180 quoting, and no cell
 * a spreadsheet would run as a formula (shared/model/csv-cell.ts).
 */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const header = [
    'sequence',
    'at',
    'actor',
    'action',
    'targetType',
    'targetId',
    'environments',
    'before',
    'after',
    'previousHash',
    'hash',
  ];
  // Every value is text or JSON: csvCell quotes it and neutralizes formula-like text (=HYPERLINK…).
  const cell = (v: unknown) => csvCell(typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
  const rows = entries.map((e) =>
    [
      e.sequence,
      e.at,
      e.actor,
      e.action,
      e.target.type,
      e.target.id,
      e.environments.join(' '),
      e.before ?? null,
      e.after ?? null,
      e.previousHash,
      e.hash,
    ]
      .map(cell)
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}

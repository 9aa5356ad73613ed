/** The local audit anchor: heads appended to a file (one JSON line each) under `.omnilab/`. */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ChainHead } from '../../shared/governance/audit-chain';
import type { AuditAnchor } from '../../shared/store/audit-anchor';

export function createFileAuditAnchor(file: string): AuditAnchor {
  return {
    async record(head) {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, `${JSON.stringify({ sequence: head.sequence, hash: head.hash })}\n`, {
        mode: 0o600,
      });
    },
    async latest() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      let best: ChainHead | null = null;
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const head = JSON.parse(line) as ChainHead;
        if (!best || head.sequence > best.sequence) best = { sequence: head.sequence, hash: head.hash };
      }
      return best;
    },
  };
}

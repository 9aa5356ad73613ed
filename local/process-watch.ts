/**
 * Who started `npm start`, watched: the launchers between this process and the person or service
 * that ran it (npm, npx, sh -c, tsx) and that first other process. When any of them ends (a
 * terminal closed, a parent killed), `onGone` is called, so DynamoDB Local and the server never
 * outlive what started them. Linux reads /proc; elsewhere only the direct parent is watched.
 */
import { readFileSync } from 'node:fs';

interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Clock ticks since boot when it started: a reused pid has another. */
  startTime: string;
  argv: string[];
}

function readProcess(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces or parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid, ppid: Number(fields[1]), startTime: fields[19], argv };
  } catch {
    return null;
  }
}

/** npm, npx, tsx, node running one of those, or a shell running the start script. */
export function isLauncher(argv: readonly string[]): boolean {
  const base = (s: string) => s.slice(s.lastIndexOf('/') + 1);
  const words = argv
    .slice(0, 3)
    .flatMap((s) => s.split(' '))
    .map(base);
  if (words.some((w) => /^(npm|npx|tsx|npm-cli\.js|npx-cli\.js)$/.test(w))) return true;
  if (words.some((w) => w === 'cli.mjs' || w === 'cli.cjs') && argv.join(' ').includes('tsx')) return true;
  return /^(sh|bash|dash)$/.test(words[0] ?? '') && argv[1] === '-c' && /tsx|npm/.test(argv[2] ?? '');
}

/** This process's ancestors to watch: the launchers above it and the first process that is not one. */
export function watchedAncestors(self = process.pid): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  let current = readProcess(self);
  while (current && current.ppid > 1 && out.length < 16) {
    const parent = readProcess(current.ppid);
    if (!parent) break;
    out.push(parent);
    if (!isLauncher(parent.argv)) break;
    current = parent;
  }
  return out;
}

/** Polls every `intervalMs`; returns a function that stops watching. */
export function watchAncestors(onGone: (pid: number) => void, intervalMs = 250): () => void {
  const watched = watchedAncestors();
  const firstParent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== firstParent) return onGone(firstParent);
    for (const p of watched) {
      const now = readProcess(p.pid);
      if (!now || now.startTime !== p.startTime) return onGone(p.pid);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Builds the console into console/dist when its sources are newer than the build (`npm start`
 * and the browser tests call this, so nobody runs a separate step); `--force` always builds.
 * The build goes to a scratch folder first and is swapped in, so a server reading console/dist
 * never sees a half-written build.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

export const CONSOLE_ROOT = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIST = join(CONSOLE_ROOT, 'dist');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function consoleIsStale(): boolean {
  const built = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(...SOURCES.map((s) => newestMtime(join(CONSOLE_ROOT, s))));
  return sources > statSync(built).mtimeMs;
}

export async function buildConsole(): Promise<void> {
  const scratch = join(CONSOLE_ROOT, `.dist-${process.pid}-${Date.now()}`);
  try {
    await build({
      configFile: join(CONSOLE_ROOT, 'vite.config.ts'),
      root: CONSOLE_ROOT,
      logLevel: 'warn',
      build: { outDir: scratch, emptyOutDir: true },
    });
    const old = `${scratch}-old`;
    try {
      renameSync(CONSOLE_DIST, old);
    } catch {
      // No build yet, or a concurrent build (two `npm start`s) is swapping its own in.
    }
    try {
      renameSync(scratch, CONSOLE_DIST);
    } catch (e) {
      // A concurrent build got there first with a build of the same sources: keep it.
      if (!existsSync(join(CONSOLE_DIST, 'index.html'))) throw e;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds when stale; true when it built. */
export async function ensureConsoleBuilt(): Promise<boolean> {
  if (!consoleIsStale()) return false;
  await buildConsole();
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const force = process.argv.includes('--force');
  const started = Date.now();
  let built = true;
  if (force) await buildConsole();
  else built = await ensureConsoleBuilt();
  console.log(built ? `console built in ${Date.now() - started} ms (console/dist)` : 'console is up to date');
}

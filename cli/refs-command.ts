/**
 * `npx omnilab refs <dir> [--json]`: where flag names appear in a code tree, so a squad can remove
 * a flag that is fully rolled out (or find the code still reading an archived one). Flag names come
 * from `--names a,b`, else from the platform (with a token), else from experiments/flags.yaml.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import type { Flag } from '../shared/model/flag';
import { createApiClient } from './api-client';

export interface FlagReference {
  flag: string;
  file: string;
  line: number;
  column: number;
  text: string;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.omnilab', 'cdk.out']);
/** Files larger than this are not source code worth reading. */
const MAX_FILE_BYTES = 1024 * 1024;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Each occurrence of a flag name in `text` as a whole name: not inside a longer name made of
 * letters, digits, `_`, `.` or `-` (flag names use those), so `loan-banner` does not match
 * `loan-banner-v2`. Lines and columns from 1.
 */
export function findReferences(file: string, text: string, names: readonly string[]): FlagReference[] {
  if (names.length === 0) return [];
  const sorted = [...names].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(`(?<![\\w.-])(${sorted.join('|')})(?![\\w-]|\\.[\\w])`, 'g');
  const out: FlagReference[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    for (const m of line.matchAll(pattern)) {
      out.push({
        flag: m[1],
        file,
        line: i + 1,
        column: (m.index ?? 0) + 1,
        text: line.trim().slice(0, 200),
      });
    }
  }
  return out;
}

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') && entry.name !== '.') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* files(path);
    } else if (entry.isFile()) yield path;
  }
}

function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

export function scanTree(dir: string, names: readonly string[]): FlagReference[] {
  const root = resolve(dir);
  const out: FlagReference[] = [];
  for (const path of files(root)) {
    if (statSync(path).size > MAX_FILE_BYTES) continue;
    const buf = readFileSync(path);
    if (looksBinary(buf)) continue;
    out.push(...findReferences(relative(root, path), buf.toString('utf8'), names));
  }
  return out;
}

async function flagNames(values: {
  names?: string;
  url: string;
  token?: string;
  flags: string;
}): Promise<string[]> {
  if (values.names)
    return values.names
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
  if (values.token) {
    const api = createApiClient({ url: values.url, token: values.token });
    const { flags } = await api.get<{ flags: Flag[] }>('/api/admin/flags');
    return flags.map((f) => f.name);
  }
  const file = parse(readFileSync(values.flags, 'utf8')) as { flags?: { name?: unknown }[] };
  return (file.flags ?? []).map((f) => f.name).filter((n): n is string => typeof n === 'string');
}

export const REFS_HELP = `Usage: npx omnilab refs <dir> [--json] [--names a,b] [--flags experiments/flags.yaml] [--url <url>] [--token <token>]

Lists where each flag name appears in the code under <dir> (file:line:column), then the flags no
file mentions. Flag names: --names, else the platform's (with --token or $OMNILAB_TOKEN), else
those in --flags. Skips node_modules, .git, build output and binary files.`;

export async function runRefs(
  argv: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        names: { type: 'string' },
        flags: { type: 'string', default: 'experiments/flags.yaml' },
        url: { type: 'string', default: process.env.OMNILAB_URL ?? 'http://localhost:4242' },
        token: { type: 'string', default: process.env.OMNILAB_TOKEN ?? process.env.OMNILAB_ADMIN_TOKEN },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${REFS_HELP}\n`);
    return 1;
  }
  const values = parsed.values as {
    json: boolean;
    names?: string;
    flags: string;
    url: string;
    token?: string;
    help: boolean;
  };
  if (values.help) {
    out.write(`${REFS_HELP}\n`);
    return 0;
  }
  const dir = parsed.positionals[0];
  if (!dir) {
    err.write(`${REFS_HELP}\n`);
    return 1;
  }
  let names: string[];
  try {
    names = await flagNames(values);
  } catch (e) {
    err.write(`could not read flag names: ${(e as Error).message}\n`);
    return 1;
  }
  const references = scanTree(dir, names);
  const seen = new Set(references.map((r) => r.flag));
  const unreferenced = names.filter((n) => !seen.has(n)).sort();
  if (values.json) {
    out.write(`${JSON.stringify({ references, unreferenced }, null, 2)}\n`);
    return 0;
  }
  for (const r of references) out.write(`${r.file}:${r.line}:${r.column}  ${r.flag}  ${r.text}\n`);
  out.write(
    `${references.length} reference(s) to ${seen.size} of ${names.length} flag(s)${unreferenced.length ? `; not referenced: ${unreferenced.join(', ')}` : ''}\n`,
  );
  return 0;
}

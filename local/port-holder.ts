/**
 * What holds a TCP port, in one line a person can act on: the listening socket is looked up in
 * /proc/net/tcp{,6} and its owner among /proc/<pid>/fd (only this user's processes are readable).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface PortHolder {
  pid: number;
  command: string;
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; st 0A is LISTEN; the inode is the tenth column.
      if (cols.length > 9 && cols[1].endsWith(`:${hex}`) && cols[3] === '0A') inodes.add(cols[9]);
    }
  }
  return inodes;
}

/** The process listening on `port`, or null when it cannot be found (another user's, or no /proc). */
export function portHolder(port: number): PortHolder | null {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1])) {
        let command = '';
        try {
          command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        } catch {
          // It ended meanwhile: the pid is still the best hint.
        }
        return { pid: Number(pid), command: command.length > 120 ? `${command.slice(0, 117)}...` : command };
      }
    }
  }
  return null;
}

/** One line: what holds the port and how to stop it, or how to start elsewhere. */
export function portInUseMessage(port: number, holder: PortHolder | null = portHolder(port)): string {
  const elsewhere = `or start on another port: PORT=${port + 1} npm start`;
  if (!holder)
    return `port ${port} is in use by another process (\`ss -ltnp 'sport = :${port}'\` names it): stop it, ${elsewhere}`;
  return `port ${port} is in use by pid ${holder.pid} (${holder.command || 'unknown command'}): stop it with \`kill ${holder.pid}\`, ${elsewhere}`;
}

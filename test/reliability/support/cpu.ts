/**
 * CPU time from /proc: the whole machine's, and that of given processes. On a shared machine the
 * difference is what others took while a window was measured.
 */
import { readFileSync } from 'node:fs';

/** Busy jiffies of all CPUs, and all jiffies. */
export function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((s, n) => s + n, 0);
  // idle and iowait
  return { busy: total - fields[3] - (fields[4] ?? 0), total };
}

/** utime + stime of a process, all its threads, in jiffies; 0 once it is gone. */
export function processJiffies(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

export interface CpuWindow {
  /** Share of the machine's CPU used by processes other than ours, 0–1. */
  othersShare: number;
}

export function cpuMeter(pids: () => number[]) {
  const read = () => ({
    machine: machineJiffies(),
    ours: pids().reduce((s, pid) => s + processJiffies(pid), 0),
  });
  let start = read();
  return {
    /** Closes the current window and opens the next. */
    lap(): CpuWindow {
      const end = read();
      const elapsed = end.machine.total - start.machine.total;
      const others = end.machine.busy - start.machine.busy - (end.ours - start.ours);
      start = end;
      return { othersShare: elapsed > 0 ? Math.max(0, others / elapsed) : 0 };
    },
  };
}

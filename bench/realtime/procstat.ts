/** CPU time and memory of another process, read from /proc (Linux only; zeros elsewhere). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSec = 100;
try {
  ticksPerSec = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // getconf missing: 100 is the Linux default.
}

/** User + system CPU of a process so far, in milliseconds. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / ticksPerSec;
  } catch {
    return 0;
  }
}

export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** A process and everything it started, recursively (a primary and its workers). */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      const kids = readFileSync(`/proc/${all[i]}/task/${all[i]}/children`, 'utf8').trim();
      if (kids) all.push(...kids.split(' ').map(Number));
    } catch {
      // Gone, or not Linux.
    }
  }
  return all;
}

/** CPU time of a process and its live descendants, each read apart: a parent's counters omit children still running. */
export function treeCpuMs(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + cpuMs(p), 0);
}

export function treeRssMb(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + rssMb(p), 0);
}

/**
 * Time the process's main thread (its event loop) spent runnable but waiting for a CPU, in
 * milliseconds (/proc/<pid>/schedstat). On a shared machine this, not the code, can be the latency.
 */
export function runQueueWaitMs(pid: number): number {
  try {
    const [, waitNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
    return Number(waitNs) / 1e6;
  } catch {
    return 0;
  }
}

/** The largest share of `wallMs` any of `pids` waited for a CPU since `before` (pid → runQueueWaitMs). */
export function maxWaitPct(before: Map<number, number>, wallMs: number): number {
  let max = 0;
  for (const [pid, ms] of before) max = Math.max(max, runQueueWaitMs(pid) - ms);
  return Math.round((max / Math.max(1, wallMs)) * 100);
}

export function waitSnapshot(pids: number[]): Map<number, number> {
  return new Map(pids.map((p) => [p, runQueueWaitMs(p)] as const));
}

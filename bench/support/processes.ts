import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';

/**
 * What every benchmark that runs servers as child processes needs: ports, pinning to a core,
 * waiting for a listener, and stopping. One copy, so a lesson learned on this machine (the
 * descriptor limit, a slow start under load) reaches every benchmark.
 */

export const root = path.resolve(import.meta.dirname, '..', '..');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function cpuCount(): number {
  const r = spawnSync('nproc', [], { encoding: 'utf8' });
  return Number(r.stdout?.trim()) || 1;
}

/** Whether processes can be pinned to cores here (taskset and at least two of them), unless `--no-pin`. */
export function canPin(args: readonly string[] = process.argv.slice(2)): boolean {
  if (args.includes('--no-pin')) return false;
  return spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0 && cpuCount() >= 2;
}

/**
 * How much of a core a busy process gets right now (1 = all of it). The machine is shared, so
 * this is printed beside the results: a server that gets a third of a core waits three times as long.
 */
export function coreShare(cpu: string | null, pin: boolean): number {
  const probe =
    'const t=performance.now(),c=process.cpuUsage();let x=0;while(performance.now()-t<1000)x+=Math.sqrt(x+1);' +
    'const u=process.cpuUsage(c);console.log((u.user+u.system)/1000/(performance.now()-t))';
  const argv = [process.execPath, '-e', probe];
  const pinned = pin && cpu !== null;
  const r = spawnSync(pinned ? 'taskset' : argv[0]!, pinned ? ['-c', cpu, ...argv] : argv.slice(1), { encoding: 'utf8' });
  return Math.round(Number(r.stdout.trim()) * 100) / 100 || 0;
}

export interface SpawnOptions {
  /** The core to pin to (with `pin`); null runs unpinned. */
  cpu: string | null;
  pin: boolean;
  env: NodeJS.ProcessEnv;
  /** Where its stdout and stderr go; without one they go to this process's. */
  logFile?: string;
  /** An IPC channel to the child (for generators that report back). */
  ipc?: boolean;
  /** Lift the descriptor limit to its hard maximum first (thousands of sockets). */
  raiseFdLimit?: boolean;
}

/** Starts `argv` in the repository root, pinned to `o.cpu` when pinning. */
export function spawnLogged(argv: string[], o: SpawnOptions): ChildProcess {
  const cmd = o.pin && o.cpu !== null ? ['taskset', '-c', o.cpu, ...argv] : argv;
  const [file, ...rest] = o.raiseFdLimit ? ['bash', '-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bench', ...cmd] : cmd;
  const child = spawn(file!, rest, {
    cwd: root,
    env: o.env,
    stdio: ['ignore', o.logFile ? 'pipe' : 'inherit', o.logFile ? 'pipe' : 'inherit', ...(o.ipc ? (['ipc'] as const) : [])],
  });
  if (o.logFile) {
    const out = createWriteStream(o.logFile);
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
  }
  return child;
}

/** Moves a running process (with `threads`, every thread it has) to one core. */
export function pinProcess(pid: number, cpu: string, opts: { threads?: boolean } = {}): void {
  spawnSync('taskset', [...(opts.threads ? ['-a'] : []), '-p', '-c', cpu, String(pid)], { stdio: 'ignore' });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Resolves once something listens on `port`; fails at once if `child` exits first. */
export async function waitForPort(port: number, child: ChildProcess, opts: { timeoutMs?: number; logDir?: string } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const see = opts.logDir ? `; see ${opts.logDir}` : '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}${see}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`server did not listen on ${port}${see}`);
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * How many worker processes of a `WORKERS` server have said "Tremolo is up" in `output` (pino puts
 * the pid on each line; the server must log at info). The port answers as soon as one worker
 * listens, and connections made before the others do would all land on that one.
 */
function workersUp(output: string): number {
  const pids = new Set<number>();
  for (const line of output.split('\n')) {
    if (!line.includes('"msg":"Tremolo is up"')) continue;
    try {
      pids.add((JSON.parse(line) as { pid: number }).pid);
    } catch {
      // A line cut in half by the pipe: the next poll reads it whole.
    }
  }
  return pids.size;
}

/** Resolves once `workers` workers are up according to `read()` (the server's output so far). */
export async function waitForWorkers(workers: number, read: () => string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (workersUp(read()) < workers) {
    if (Date.now() > deadline) throw new Error(`only ${workersUp(read())} of ${workers} workers came up`);
    await sleep(200);
  }
}

/** Expands a taskset list ("0", "0,2", "0-3") into core numbers. */
export function cpuList(spec: string): number[] {
  return spec.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

/**
 * Runs the Debian `janus` with our config (./config) inside a private network namespace, for the
 * Janus integration test and `bench/sfu.ts`.
 *
 * Why a namespace: libnice refuses the loopback device, so Janus needs a real interface for ICE;
 * inside `unshare -n` we add a veth pair (`v0` at 127.0.0.2) that nothing outside can reach, and
 * pin ICE to it with `ice_enforce_list`. The WebSocket transport listens on a Unix socket
 * (filesystem, not network), so the adapter in this process reaches Janus from the host namespace
 * with `ws+unix://`. Browsers and any other WebRTC peer must run inside the namespace: use
 * `chromiumPath` as playwright's `executablePath`, or prefix a command with `nsenter`.
 *
 * Stable API (bench/sfu.ts depends on it): `janusInstalled()`, `startJanusInNamespace()` and the
 * fields of `JanusInNamespace`. Needs root (or CAP_SYS_ADMIN) for `unshare`/`nsenter`.
 *
 * By hand: `node --import tsx server/src/platform/media/janus/testing.ts` starts one and prints
 * its JANUS_URL and namespace until Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export const JANUS_CONFIG_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'config');

/** Address of the veth device Janus gathers ICE candidates on. */
export const NAMESPACE_ADDRESS = '127.0.0.2';

export interface JanusInNamespace {
  /** JANUS_URL for `new JanusSfu({ url })`: the WebSocket transport on a Unix socket. */
  url: string;
  /** Janus's process id; the namespace is `/proc/<pid>/ns/net`. */
  pid: number;
  /** Prefix that runs a command inside the namespace: `[...nsenter, cmd, ...args]`. */
  nsenter: string[];
  /** An executable that starts Chromium inside the namespace (playwright `executablePath`). */
  chromiumPath: string;
  /** Janus's output so far (for failure messages). */
  log(): string;
  /** Stops Janus (the namespace goes with it) and removes the temporary folder. */
  stop(): Promise<void>;
}

export interface StartJanusOptions {
  /** Chromium binary the wrapper starts; default `CHROMIUM_PATH` or /usr/bin/chromium. */
  chromium?: string;
  /** Janus log level 0–7; default 3 (errors and warnings). */
  debugLevel?: number;
  /** How long to wait for the WebSocket transport to answer; default 15 s. */
  startTimeoutMs?: number;
}

export function janusInstalled(): boolean {
  return spawnSync('sh', ['-c', 'command -v janus'], { stdio: 'ignore' }).status === 0;
}

export async function startJanusInNamespace(opts: StartJanusOptions = {}): Promise<JanusInNamespace> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tremolo-janus-'));
  const socket = path.join(dir, 'janus-ws.sock');
  for (const name of readdirSync(JANUS_CONFIG_DIR)) {
    let text = readFileSync(path.join(JANUS_CONFIG_DIR, name), 'utf8');
    // The HTTP transport stays on (port 8088 inside the namespace): Janus 1.1.2 segfaulted at start
    // in about half the runs here when it had to give up on its HTTP server.
    if (name === 'janus.transport.websockets.jcfg') text = replaceOnce(text, /^\s*ws_port = \d+$/m, `\tws_unix = "${socket}"`);
    writeFileSync(path.join(dir, name), text);
  }

  const setup = [
    'set -e',
    'ip link set lo up',
    'ip link add v0 type veth peer name v1',
    `ip addr add ${NAMESPACE_ADDRESS}/32 dev v0`,
    'ip link set v0 up',
    'ip link set v1 up',
    'exec "$@"',
  ].join('\n');
  const janusArgs = ['janus', '-C', path.join(dir, 'janus.jcfg'), '-F', dir, '-o', '-d', String(opts.debugLevel ?? 3)];
  const child = spawn('unshare', ['-n', 'sh', '-c', setup, 'sh', ...janusArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A test that crashes must not leave Janus running in the background.
  const killOnExit = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const pid = child.pid;
  const cleanup = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    await stopChild(child, exited);
    rmSync(dir, { recursive: true, force: true });
  };
  if (pid === undefined) {
    await cleanup();
    throw new Error('could not start unshare');
  }

  const url = `ws+unix://${socket}:/`;
  try {
    await waitForJanus(url, socket, exited, opts.startTimeoutMs ?? 15_000, () => output);
  } catch (e) {
    await cleanup();
    throw e;
  }

  const nsenter = ['nsenter', `--net=/proc/${pid}/ns/net`, '--'];
  const chromium = opts.chromium ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const chromiumPath = path.join(dir, 'chromium-in-namespace');
  // playwright talks to Chromium over inherited pipes (fds 3 and 4), which survive nsenter's exec.
  writeFileSync(chromiumPath, `#!/bin/sh\nexec ${nsenter.map(shellQuote).join(' ')} ${shellQuote(chromium)} "$@"\n`);
  chmodSync(chromiumPath, 0o755);

  return { url, pid, nsenter, chromiumPath, log: () => output, stop: cleanup };
}

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`Janus config template changed: ${pattern} not found`);
  return text.replace(pattern, replacement);
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

async function waitForJanus(
  url: string,
  socket: string,
  exited: Promise<number | null>,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`janus exited while starting:\n${log().slice(-4000)}`);
    if (existsSync(socket) && (await answersInfo(url))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`janus did not answer within ${timeoutMs} ms:\n${log().slice(-4000)}`);
}

function answersInfo(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'janus-protocol');
    const done = (ok: boolean): void => {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      resolve(ok);
    };
    ws.once('open', () => ws.send(JSON.stringify({ janus: 'info', transaction: 'ready' })));
    ws.once('message', () => done(true));
    ws.once('error', () => done(false));
    setTimeout(() => done(false), 1000).unref();
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const janus = await startJanusInNamespace({ debugLevel: 4 });
  console.log(`JANUS_URL=${janus.url}`);
  console.log(`namespace: ${janus.nsenter.join(' ')} <command>`);
  console.log(`chromium in the namespace: ${janus.chromiumPath}`);
  const stop = (): void => void janus.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

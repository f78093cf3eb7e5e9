import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/*
 * The one place where the tools start other programs (the rehearsal, the
 * local deploy harness). Every child runs in its own process group, is
 * remembered until it exits, and can be stopped with its children.
 */

/** How a logged command ended. */
export interface LoggedRun {
  /** Exit code; null when killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Killed after the timeout. */
  readonly timedOut: boolean;
  readonly seconds: number;
  /** The log file (stdout and stderr, interleaved). */
  readonly logFile: string;
  /** Standard output (also in the log). */
  readonly stdout: string;
}

/** Options of {@link runLogged}. */
export interface RunLoggedOptions {
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Kill the command (its whole process group) after this many seconds. */
  readonly timeoutSeconds?: number;
  /** Also copy the output to this process's stdout/stderr. */
  readonly echo?: boolean;
  /** Run the command under `strace -f -e trace=connect`, written to this file. */
  readonly traceFile?: string;
  /** Start the log with the command line and end it with the exit code. */
  readonly header?: boolean;
}

/** The children running now, so an interrupt can stop them. */
const running = new Set<ChildProcess>();

/** Stops every running child's process group (used on SIGINT / SIGTERM). */
export function killRunningChildren(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of running) {
    killGroup(child, signal);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Runs a command in its own process group, its stdout and stderr streamed to
 * a log file; on timeout the whole group is killed (TERM, then KILL 10 s later).
 * What it writes into the log itself (a timeout, a failed start, the exit line)
 * stands in square brackets, naming no tool: the rehearsal and deploy:local both
 * run their commands through it.
 */
export function runLogged(command: string, args: readonly string[], options: RunLoggedOptions): Promise<LoggedRun> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.createWriteStream(options.logFile);
  if (options.header) {
    log.write(`$ ${[command, ...args].join(' ')}\n`);
  }
  const started = process.hrtime.bigint();
  const stdout: Buffer[] = [];
  const argv = withTrace(command, args, options.traceFile);
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timeout = options.timeoutSeconds === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      log.write(`\n[timed out after ${options.timeoutSeconds} s: stopping the command]\n`);
      killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
    }, options.timeoutSeconds * 1000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      log.write(chunk);
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (options.echo) process.stderr.write(chunk);
    });
    let settled = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      running.delete(child);
      if (timeout) clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (options.header) {
        log.write(`[exit ${exitCode ?? signal} after ${Math.round(seconds)} s]\n`);
      }
      const output = Buffer.concat(stdout).toString('utf8');
      log.end(() => resolve({ exitCode, signal, timedOut, seconds, logFile: options.logFile, stdout: output }));
    };
    child.on('error', (error) => {
      log.write(`\n[could not start ${command}: ${error.message}]\n`);
      finish(127, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** The last lines of a file (for showing why something failed). */
export function tailOfFile(file: string, lines = 30): string {
  if (!fs.existsSync(file)) {
    return '';
  }
  const text = fs.readFileSync(file, 'utf8').replace(/\n+$/, '');
  return text.split('\n').slice(-lines).join('\n');
}

/** Runs a command to completion and returns its output (never throws). For short queries. */
export function runQuiet(command: string, args: readonly string[], env?: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { env: env ?? process.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: stderr + error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (input !== undefined) {
      child.stdin?.on('error', () => undefined); // a command that exits without reading
      child.stdin?.end(input);
    }
  });
}

/** Options of {@link startBackground}. */
export interface BackgroundOptions {
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Run the command under `strace -f -e trace=connect`, written to this file. */
  readonly traceFile?: string;
}

/** Starts a long-running command (a server) in its own process group, its output appended to the log file. */
export function startBackground(command: string, args: readonly string[], options: BackgroundOptions): ChildProcess {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  fs.appendFileSync(options.logFile, `$ ${[command, ...args].join(' ')}\n`);
  const log = fs.openSync(options.logFile, 'a');
  const argv = withTrace(command, args, options.traceFile);
  const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

/** Stops one child's process group: SIGTERM, then SIGKILL after the grace period. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    running.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if (await Promise.race([exited.then(() => 'exited' as const), timer]) === 'timeout') {
    killGroup(child, 'SIGKILL');
    await exited;
  }
  running.delete(child);
}

/** Stops every child started here that still runs, and waits for them (on failure or Ctrl-C). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopProcess(child)));
}

/** Whether `strace -f -e trace=connect` works here (installed, and ptrace allowed). */
export async function straceAvailable(): Promise<boolean> {
  const probe = await runQuiet('strace', ['-f', '-qq', '-e', 'trace=connect', '-o', '/dev/null', 'true']);
  return probe.code === 0;
}

/** The command line, prefixed with strace when a trace file is given. */
function withTrace(command: string, args: readonly string[], traceFile: string | undefined): string[] {
  const traced = traceFile ? ['strace', '-f', '-qq', '-e', 'trace=connect', '-o', traceFile] : [];
  return [...traced, command, ...args];
}

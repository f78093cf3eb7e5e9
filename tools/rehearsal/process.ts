import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

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
 */
export function runLogged(command: string, args: readonly string[], options: RunLoggedOptions): Promise<LoggedRun> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.createWriteStream(options.logFile);
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(command, [...args], {
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
      log.write(`\n[rehearsal] timed out after ${options.timeoutSeconds} s: stopping the command\n`);
      killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
    }, options.timeoutSeconds * 1000);
    child.stdout?.on('data', (chunk: Buffer) => {
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
      log.end(() => resolve({ exitCode, signal, timedOut, seconds, logFile: options.logFile }));
    };
    child.on('error', (error) => {
      log.write(`\n[rehearsal] could not start ${command}: ${error.message}\n`);
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

/** Runs a command to completion and returns its stdout (throws with stderr on failure). For short queries. */
export function runQuiet(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: stderr + error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';

/**
 * Child processes of `npm run deploy:local`: each runs in its own process
 * group, with its output in a log file, and is remembered until it exits so a
 * failure or Ctrl-C can stop exactly the processes this run started.
 */
const running = new Set<ChildProcess>();

/** What a finished command did. */
export interface CommandOutcome {
  /** Exit code, or 128 + signal number when a signal ended it. */
  readonly exitCode: number;
  /** Standard output (also written to the log). */
  readonly stdout: string;
  readonly seconds: number;
}

/** How to run one command. */
export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Both output streams are appended here, under a header with the command line. */
  readonly logFile: string;
  /** When set, the command runs under `strace -f -e trace=connect`, written to this file. */
  readonly traceFile?: string;
}

/** Runs a command to its end; never throws for a non-zero exit. */
export async function runCommand(command: string, args: readonly string[], options: RunOptions): Promise<CommandOutcome> {
  const started = Date.now();
  const argv = options.traceFile ? [...straceArgs(options.traceFile), command, ...args] : [command, ...args];
  fs.appendFileSync(options.logFile, `\n$ ${[command, ...args].join(' ')}\n`);
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', log], detached: true });
  running.add(child);
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    fs.appendFileSync(options.logFile, chunk);
  });
  const exitCode = await new Promise<number>((resolve) => {
    child.on('error', (error) => {
      fs.appendFileSync(options.logFile, `could not start ${argv[0]}: ${error.message}\n`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? signalNumber(signal) : 0)));
  });
  running.delete(child);
  fs.closeSync(log);
  fs.appendFileSync(options.logFile, `[exit ${exitCode} after ${Math.round((Date.now() - started) / 1000)} s]\n`);
  return { exitCode, stdout: Buffer.concat(chunks).toString('utf8'), seconds: (Date.now() - started) / 1000 };
}

/** Starts a long-running command (a server) in its own process group, output to the log file. */
export function startBackground(command: string, args: readonly string[], options: RunOptions): ChildProcess {
  const argv = options.traceFile ? [...straceArgs(options.traceFile), command, ...args] : [command, ...args];
  fs.appendFileSync(options.logFile, `$ ${[command, ...args].join(' ')}\n`);
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', log, log], detached: true });
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
  signalGroup(child, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if (await Promise.race([exited.then(() => 'exited' as const), timer]) === 'timeout') {
    signalGroup(child, 'SIGKILL');
    await exited;
  }
  running.delete(child);
}

/** Stops every child this module started that is still running (on failure or Ctrl-C). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopProcess(child)));
}

/** Whether `strace -f -e trace=connect` works here (installed, and ptrace allowed). */
export async function straceAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('strace', ['-f', '-qq', '-e', 'trace=connect', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

function straceArgs(traceFile: string): string[] {
  return ['strace', '-f', '-qq', '-e', 'trace=connect', '-o', traceFile];
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // The child leads its own process group (detached): this reaches its children too (npx -> node -> ...).
    process.kill(-child.pid!, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 0;
}

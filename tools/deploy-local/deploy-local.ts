import * as fs from 'fs';
import * as path from 'path';
import { quoteInput } from '../../lib/contract';
import { straceAvailable } from '../common/process';
import { summarizeConnections } from './connections';
import { DeployLocalRun, KnownEmulatorLimit, LOGS, PhaseError, rel, resetRunDirectory, RUN_DIR } from './harness';
import { labBundle, labCards, labCheckAll, labCheckSingle, labExtend, labHosts, labReport, labRunMulti, labRunSingle, redeployKeepsExpiry } from './lab-phases';
import { bootstrap, deploy, destroyAttendees, destroyWorkshop, hostsAndTags, Phase, pickImage, startEmulator, stacksAndOutputs, stepDocuments } from './phases';

export const USAGE = `Usage: npm run deploy:local [-- --port N] [-- --no-trace]

Deploys the workshop (attendees alice and bob) to moto_server on 127.0.0.1 with
the real CDK CLI, checks stacks, outputs, tags and documents through the AWS SDK,
runs the lab command against it, and destroys everything. See docs/deploy-local.md.

  --port N     moto_server's port (default: a free one)
  --no-trace   do not record the connections of moto_server, the CDK CLI and the
               lab command with strace (by default, when strace works, any connection
               to a non-loopback address fails the run)
`;

type Status = 'ok' | 'FAILED' | 'skipped' | 'MOTO-BUG';

/** How one phase ended. */
export interface PhaseResult { readonly name: string; readonly status: Status; readonly seconds: number; readonly detail: string }

/** The command line, or a message when it is wrong. */
export function parseDeployLocalArgs(args: readonly string[]): { port?: number; trace: boolean; help: boolean } | string {
  const unknown = args.filter((arg, index) => !['--port', '--no-trace', '--help', '-h'].includes(arg) && args[index - 1] !== '--port');
  const portText = args.includes('--port') ? args[args.indexOf('--port') + 1] : undefined;
  if (unknown.length > 0 || (args.includes('--port') && (portText === undefined || !/^\d{2,5}$/.test(portText)))) {
    return `deploy:local: unexpected arguments: ${quoteInput(args.join(' '))}`;
  }
  return { port: portText === undefined ? undefined : Number(portText), trace: !args.includes('--no-trace'), help: args.includes('--help') || args.includes('-h') };
}

/** The phases, in order; a failed phase skips the rest (a MOTO-BUG does not). */
function phasesOf(run: DeployLocalRun): Phase[] {
  return [
    startEmulator, pickImage, bootstrap, deploy, stacksAndOutputs, hostsAndTags, stepDocuments,
    labBundle, labHosts, labRunSingle(run), labRunMulti(run), labCheckSingle(run), labCheckAll, labReport, labCards, labExtend, redeployKeepsExpiry,
    destroyAttendees, destroyWorkshop,
  ];
}

/** Runs every phase, printing a line each; then stops moto_server and checks the traced connections. */
export async function deployLocal(options: { port?: number; trace: boolean }): Promise<number> {
  const trace = options.trace && await straceAvailable();
  resetRunDirectory();
  const run = new DeployLocalRun(trace, options.port);
  const phases = phasesOf(run);
  const results: PhaseResult[] = [];
  const total = phases.length + 2;
  const record = (name: string, status: Status, seconds: number, detail: string): void => {
    results.push({ name, status, seconds, detail });
    process.stdout.write(`${status === 'ok' ? 'ok' : status} (${seconds.toFixed(1)} s) ${detail}\n`);
  };
  const announce = (name: string): void => {
    process.stdout.write(`[deploy:local ${String(results.length + 1).padStart(2)}/${total}] ${name}: `);
  };
  let failed = false;
  for (const phase of phases) {
    announce(phase.name);
    if (failed) {
      record(phase.name, 'skipped', 0, 'an earlier phase failed');
      continue;
    }
    const outcome = await runPhase(phase, run);
    failed = outcome.status === 'FAILED';
    record(phase.name, outcome.status, outcome.seconds, outcome.detail);
  }
  announce('stop moto_server');
  if (run.moto) {
    const stopStarted = Date.now();
    await run.moto.stop();
    record('stop moto_server', 'ok', (Date.now() - stopStarted) / 1000, `pid ${run.moto.process.pid} stopped`);
  } else {
    record('stop moto_server', 'skipped', 0, 'not started');
  }
  announce('only loopback connections');
  const connections = checkConnections(run);
  failed = failed || connections.status === 'FAILED';
  record('only loopback connections', connections.status, 0, connections.detail);
  printSummary(results);
  fs.writeFileSync(path.join(RUN_DIR, 'summary.json'), `${JSON.stringify({ ok: !failed, endpoint: run.moto?.endpoint, amiId: run.amiId, phases: results }, null, 2)}\n`);
  return failed ? 1 : 0;
}

async function runPhase(phase: Phase, run: DeployLocalRun): Promise<Omit<PhaseResult, 'name'>> {
  const started = Date.now();
  const seconds = (): number => (Date.now() - started) / 1000;
  try {
    return { status: 'ok', detail: await phase.run(run), seconds: seconds() };
  } catch (error) {
    if (error instanceof KnownEmulatorLimit) {
      return { status: 'MOTO-BUG', detail: error.message, seconds: seconds() };
    }
    const detail = error instanceof PhaseError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
    return { status: 'FAILED', detail, seconds: seconds() };
  }
}

function checkConnections(run: DeployLocalRun): { status: Status; detail: string } {
  if (!run.trace) {
    return { status: 'skipped', detail: 'not traced (strace unavailable or --no-trace); every client is pointed at the endpoint anyway' };
  }
  const connections = summarizeConnections(run.traceFiles);
  if (connections.nonLoopback.size > 0) {
    return { status: 'FAILED', detail: `connections left the machine: ${[...connections.nonLoopback].map(([address, count]) => `${address} x${count}`).join(', ')}` };
  }
  return { status: 'ok', detail: `${connections.total} connect() calls of moto_server, the CDK CLI and the lab command, all to 127.0.0.1` };
}

function printSummary(results: readonly PhaseResult[]): void {
  const width = Math.max(...results.map((result) => result.name.length));
  const lines = results.map((result) =>
    `${result.name.padEnd(width)}  ${result.status.padEnd(8)}  ${`${result.seconds.toFixed(1)} s`.padStart(7)}`);
  const passed = results.filter((result) => result.status === 'ok').length;
  const limited = results.filter((result) => result.status === 'MOTO-BUG').length;
  const seconds = results.reduce((sum, result) => sum + result.seconds, 0);
  process.stdout.write(`\n${'phase'.padEnd(width)}  ${'result'.padEnd(8)}  ${'time'.padStart(7)}\n${lines.join('\n')}\n`);
  process.stdout.write(`\ndeploy:local: ${passed} of ${results.length} phases passed${limited > 0 ? `, ${limited} not provable on moto (MOTO-BUG, see above)` : ''} in ${Math.round(seconds)} s; logs in ${rel(LOGS)}/\n`);
}

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveStep, StepAction } from './documents';
import { LabInputError } from './errors';

/** What `lab run|check|reset --local` asks of the rehearsal. */
export interface LocalRequest {
  readonly action: StepAction;
  /** A step (`6`, `06`, `06-across-hosts`), or every step when undefined (check only). */
  readonly step?: string;
  /** `NAME=VALUE` strings; the rehearsal takes only TUNNEL_TYPE. */
  readonly params: readonly string[];
  readonly timeoutSeconds: number;
}

/** Starts a program with the terminal attached and resolves with its exit code. */
export type ProgramRunner = (command: string, args: readonly string[], cwd: string) => Promise<number>;

const STEP_FOLDER = /^\d\d-[a-z0-9-]+$/;

/**
 * The arguments of `bin/rehearse.ts` for a local run. The rehearsal runs a
 * step's whole sequence (reset, run, check, reset, run again, check again,
 * reset twice) on emulated hosts and tears them down, so run, check and reset
 * of one step all rehearse that sequence. Throws {@link LabInputError} for a
 * step that has no folder under assets/steps or a parameter the rehearsal
 * cannot take.
 */
export function rehearsalArguments(request: LocalRequest, stepFolderIds: readonly string[]): string[] {
  const args = ['--action-timeout', String(request.timeoutSeconds)];
  if (request.step !== undefined) {
    const step = resolveStep(stepFolderIds.map((stepId) => ({ stepId, documentNames: {} })), request.step, 'no step folders under assets/steps');
    args.push('--steps', step.stepId);
  }
  for (const param of request.params) {
    const match = /^TUNNEL_TYPE=([a-z0-9]+)$/.exec(param);
    if (!match) {
      throw new LabInputError(`--param ${JSON.stringify(param)} cannot be used with --local: the rehearsal takes only TUNNEL_TYPE=gre|vxlan|geneve (other parameters run with their defaults).`);
    }
    args.push('--tunnels', match[1]);
  }
  return args;
}

/** The step ids of the repository's step folders, sorted. */
export function localStepIds(repositoryRoot: string): string[] {
  const directory = path.join(repositoryRoot, 'assets', 'steps');
  if (!fs.existsSync(directory)) {
    return [];
  }
  return fs.readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && STEP_FOLDER.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** Runs `npx tsx bin/rehearse.ts ...` from the repository root with the terminal attached. */
export const runProgram: ProgramRunner = (command, args, cwd) => new Promise((resolve, reject) => {
  const child = spawn(command, [...args], { cwd, stdio: 'inherit' });
  child.on('error', reject);
  child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
});

/**
 * `--local`: the step on this machine's emulated hosts through the rehearsal
 * (bin/rehearse.ts, which needs root, dockerd and Open vSwitch). Returns the
 * rehearsal's exit code.
 */
export async function runLocally(request: LocalRequest, repositoryRoot: string, print: (line: string) => void, run: ProgramRunner = runProgram): Promise<number> {
  const args = rehearsalArguments(request, localStepIds(repositoryRoot));
  print(`--local: rehearsing ${request.step !== undefined ? `step ${args[args.indexOf('--steps') + 1]}` : 'every step'} on emulated hosts ` +
    `(the whole sequence: reset, run, check, reset, run again, check again, reset twice), not only ${request.action}.`);
  print(`$ npx tsx bin/rehearse.ts ${args.join(' ')}`);
  return run('npx', ['tsx', path.join('bin', 'rehearse.ts'), ...args], repositoryRoot);
}

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from '@aws-sdk/client-ssm';
import { LabStepDefinition } from '../../lib/steps/lab-step-definition';
import { runLogged } from '../common/process';
import { EmulatorClients, listCommands, TaggedInstance } from './inspect';
import { MotoServer } from './moto-server';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');
/** Everything a run writes: the cloud assembly, logs, summary.json. */
export const RUN_DIR = path.join(ROOT, 'cdk.out.deploy-local');
export const ASSEMBLY = path.join(RUN_DIR, 'assembly');
export const LOGS = path.join(RUN_DIR, 'logs');
export const WORKSHOP = 'container-networks';
export const ATTENDEES = ['alice', 'bob'];
export const MULTI_HOST_COUNT = 2;
export const STACKS = [WORKSHOP, ...ATTENDEES.map((attendee) => `${WORKSHOP}-${attendee}`)];

/** A phase's failure, with the message to show. */
export class PhaseError extends Error {}

/** A phase that cannot pass because of a known emulator bug: shown as MOTO-BUG, does not fail the run. */
export class KnownEmulatorLimit extends Error {}

/** Fails the current phase with a message. */
export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new PhaseError(message);
  }
}

/** A value an earlier phase should have learnt; fails the phase when it did not. */
export function required<T>(value: T | undefined, what: string): T {
  expect(value !== undefined, `${what} is not known: an earlier phase did not get that far`);
  return value;
}

/** What a command did. */
export interface CommandOutcome {
  /** Exit code, or 128 + signal number when a signal ended it. */
  readonly exitCode: number;
  readonly stdout: string;
}

/** A host of an attendee, by topology, in host order. */
export interface AttendeeHosts {
  readonly single: TaggedInstance[];
  readonly multi: TaggedInstance[];
}

/** The path relative to the working folder, for messages. */
export function rel(file: string): string {
  return path.relative(process.cwd(), file) || '.';
}

/** Everything the phases learn and share, and the helpers they use. */
export class DeployLocalRun {
  public moto?: MotoServer;
  public clients?: EmulatorClients;
  public env?: NodeJS.ProcessEnv;
  public amiId?: string;
  /** EC2's view of the hosts: attendee -> topology -> instances in host order. */
  public hosts?: Map<string, AttendeeHosts>;
  public outputs?: Map<string, Record<string, string>>;
  /** The lab command bundled as the npm package ships it; until it is made, the lab command runs through tsx. */
  public labBundle?: string;
  public readonly traceFiles: string[] = [];
  public readonly steps = LabStepDefinition.listFolder();
  private readonly seenCommands = new Set<string>();

  /** @param trace whether to record connections with strace */
  constructor(public readonly trace: boolean, public readonly port?: number) {}

  /** A step of each topology kind, if the steps have one. */
  public stepOf(kind: 'single' | 'multi'): LabStepDefinition | undefined {
    return this.steps.find((step) => step.hosts === kind);
  }

  /** The strace output file for a command, when tracing. */
  public traceFile(name: string): string | undefined {
    if (!this.trace) {
      return undefined;
    }
    const file = path.join(LOGS, `${name}.connect.trace`);
    this.traceFiles.push(file);
    return file;
  }

  /** Runs a CLI with the emulator environment; output in logs/<name>.log. */
  public async cli(name: string, command: string, args: readonly string[], cwd = ROOT): Promise<CommandOutcome> {
    const run = await runLogged(command, args, {
      cwd, env: required(this.env, 'the emulator environment'), logFile: path.join(LOGS, `${name}.log`), traceFile: this.traceFile(name), header: true,
    });
    const signalNumber = run.signal ? os.constants.signals[run.signal] : 0;
    return { exitCode: run.exitCode ?? 128 + signalNumber, stdout: run.stdout };
  }

  /** Runs the lab command: its bundle when made (phase 'bundle the lab command'), else bin/lab.ts through tsx. */
  public lab(name: string, args: readonly string[]): Promise<CommandOutcome> {
    return this.labBundle ? this.cli(name, process.execPath, [this.labBundle, ...args]) : this.cli(name, 'npx', ['tsx', 'bin/lab.ts', ...args]);
  }

  /** Commands sent since the last call, as the emulator recorded them. */
  public async newCommands(): Promise<Command[]> {
    const commands = (await listCommands(required(this.clients, 'the emulator clients'))).filter((command) => !this.seenCommands.has(command.CommandId ?? ''));
    commands.forEach((command) => this.seenCommands.add(command.CommandId ?? ''));
    return commands;
  }

  /** An attendee's hosts as EC2 tagged them. */
  public hostsOf(attendee: string): AttendeeHosts {
    const hosts = required(this.hosts, 'the hosts').get(attendee);
    expect(hosts, `EC2 has no hosts of ${attendee}`);
    return hosts;
  }

  /** Every host of an attendee: the single host, then the multi-host hosts. */
  public allHostsOf(attendee: string): TaggedInstance[] {
    const { single, multi } = this.hostsOf(attendee);
    return [...single, ...multi];
  }

  /** An attendee stack's outputs. */
  public outputsOf(attendee: string): Record<string, string> {
    return required(required(this.outputs, 'the stack outputs').get(`${WORKSHOP}-${attendee}`), `the outputs of ${WORKSHOP}-${attendee}`);
  }
}

/** The instance ids, in order. */
export function ids(instances: readonly TaggedInstance[]): string[] {
  return instances.map((instance) => instance.instanceId);
}

/** Starts the run folder afresh. */
export function resetRunDirectory(): void {
  fs.rmSync(RUN_DIR, { recursive: true, force: true });
  fs.mkdirSync(LOGS, { recursive: true });
}

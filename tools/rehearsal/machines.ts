import * as fs from 'fs';
import * as path from 'path';
import { randomUUID } from 'crypto';
import { HOST_SNAPSHOT_SCRIPT, StepHosts } from './hosts';
import { runLogged, runQuiet, tailOfFile } from '../common/process';

/** Where machine.sh keeps each machine's folder (seed, template, Docker data). */
export const MACHINES_FOLDER = '/var/lib/cnlab/machines';

/** Container names of the machines: cnlab-m-<name> (machine.sh). */
const CONTAINER_PREFIX = 'cnlab-m-';

/**
 * The environment the SSM agent gives a command: a plain root environment,
 * not the rehearsal's own (no npm or CI variables leak into the scripts).
 */
export const AGENT_ENVIRONMENT: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
};

/**
 * What cfn-signal's stand-in recorded: the creation policy's signal
 * (rehearsal/signal.json: status, stack, resource) with the reason the host
 * sent its wait condition (rehearsal/wait-condition.json), as CloudFormation
 * would show them together.
 */
export interface RecordedSignal {
  readonly status: 'SUCCESS' | 'FAILURE';
  readonly reason: string;
  readonly stack?: string;
  readonly resource?: string;
}

/** A machine to boot: its name, Debian release, address on the emulated VPC and what it boots from. */
export interface MachineBoot {
  readonly name: string;
  readonly release: string;
  readonly address: string;
  /** The filled user data, given to cloud-init as a NoCloud seed. */
  readonly userData: string;
  /** The stack's template, for cfn-init's stand-in. */
  readonly templateFile: string;
  /** Image archives (docker save) to find in the machine's Docker at first start. */
  readonly preloadImages: readonly string[];
  /** Files to put on the machine's disk before it boots, by path on the machine. */
  readonly files?: Readonly<Record<string, string>>;
}

/** The versions a machine runs, for the summary. */
export interface MachineVersions {
  readonly docker: string;
  readonly containerd: string;
  readonly openVswitch: string;
  readonly iptables: string;
  readonly os: string;
}

/** The folder of a machine on this computer. */
export function machineFolder(name: string): string {
  return path.join(MACHINES_FOLDER, name);
}

/**
 * The rehearsal machines (tools/rehearsal/machine/machine.sh): system
 * containers that boot from a lab host's user data. Every call that changes
 * something goes through that script, logged.
 */
export class Machines implements StepHosts {
  constructor(
    /** Path of machine.sh. */
    private readonly script: string,
    /** Folder for the logs of machine operations (and the machines' provisioning logs, see bootMachine). */
    public readonly logDirectory: string,
  ) {}

  private async call(what: string, args: readonly string[], timeoutSeconds = 1800): Promise<void> {
    const logFile = path.join(this.logDirectory, `${what}.log`);
    const result = await runLogged('bash', [this.script, ...args], { logFile, env: { ...process.env, ...AGENT_ENVIRONMENT }, timeoutSeconds });
    if (result.exitCode !== 0) {
      throw new Error(`machine.sh ${args.join(' ')} failed (exit ${result.exitCode ?? result.signal}); ${logFile}:\n${tailOfFile(logFile, 20)}`);
    }
  }

  /** Builds (or reuses) the machine image of a Debian release. */
  public async image(release: string): Promise<void> {
    await this.call(`image-${release}`, ['image', release]);
  }

  /** The machines that exist (any state). */
  public async list(): Promise<string[]> {
    const result = await runQuiet('bash', [this.script, 'list']);
    if (result.code !== 0) throw new Error(`machine.sh list failed: ${result.stderr.trim()}`);
    return result.stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  }

  /** Prepares a machine's folder (seed, template, preloads, files) and starts it. */
  public async boot(machine: MachineBoot): Promise<void> {
    const folder = machineFolder(machine.name);
    fs.rmSync(folder, { recursive: true, force: true });
    for (const sub of ['seed', 'rehearsal', 'preload', 'files']) fs.mkdirSync(path.join(folder, sub), { recursive: true });
    fs.writeFileSync(path.join(folder, 'seed', 'user-data'), machine.userData);
    fs.writeFileSync(path.join(folder, 'seed', 'meta-data'), `instance-id: i-rehearsal-${machine.name}\nlocal-hostname: ${machine.name}\n`);
    fs.copyFileSync(machine.templateFile, path.join(folder, 'rehearsal', 'template.json'));
    machine.preloadImages.forEach((archive, index) => fs.linkSync(archive, path.join(folder, 'preload', `${index + 1}-${path.basename(archive)}`)));
    for (const [target, source] of Object.entries(machine.files ?? {})) {
      const copy = path.join(folder, 'files', target);
      fs.mkdirSync(path.dirname(copy), { recursive: true });
      fs.copyFileSync(source, copy);
      fs.chmodSync(copy, fs.statSync(source).mode & 0o7777);
    }
    await this.call(`boot-${machine.name}`, ['boot', machine.name, machine.release, machine.address]);
  }

  /** Adds the packages a machine downloaded to its release's package cache, for the machines booted after it. */
  public async keepPackages(name: string, release: string): Promise<void> {
    await this.call(`keep-packages-${name}`, ['keep-packages', name, release], 300);
  }

  /**
   * What cfn-signal's stand-in recorded on a machine, or undefined while nothing was signalled. A
   * FAILURE to the wait condition is final at once (CloudFormation rolls back on it; the creation
   * policy hears it a minute later); else the creation policy's signal, with the wait condition's reason.
   */
  public signal(name: string): RecordedSignal | undefined {
    const read = (file: string): RecordedSignal | undefined => {
      const full = path.join(machineFolder(name), 'rehearsal', file);
      return fs.existsSync(full) ? JSON.parse(fs.readFileSync(full, 'utf8')) as RecordedSignal : undefined;
    };
    const waitCondition = read('wait-condition.json');
    const resource = read('signal.json');
    if (waitCondition?.status === 'FAILURE') return { ...resource, status: 'FAILURE', reason: waitCondition.reason };
    return resource && { ...resource, reason: waitCondition?.reason ?? resource.reason };
  }

  /**
   * Waits until a machine's user data has signalled (or the machine stopped,
   * or the creation policy's timeout passed); returns the signal or undefined.
   */
  public async waitForSignal(name: string, timeoutSeconds: number, stop: () => boolean): Promise<RecordedSignal | undefined> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    while (Date.now() < deadline && !stop()) {
      const signal = this.signal(name);
      if (signal) return signal;
      if (!await this.isRunning(name)) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    return this.signal(name);
  }

  /** Whether a machine's container runs. */
  public async isRunning(name: string): Promise<boolean> {
    const result = await runQuiet('docker', ['inspect', '--format', '{{.State.Running}}', `${CONTAINER_PREFIX}${name}`]);
    return result.code === 0 && result.stdout.trim() === 'true';
  }

  /** Runs a command on a machine (as root, the machine's own environment) and returns its output. */
  public async exec(name: string, args: readonly string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return runQuiet('docker', ['exec', ...(input !== undefined ? ['-i'] : []), this.containerOf(name), ...args], undefined, input);
  }

  /** Copies a file from a machine to this computer. */
  public async copyFrom(name: string, machinePath: string, target: string): Promise<void> {
    const result = await runQuiet('docker', ['cp', `${CONTAINER_PREFIX}${name}:${machinePath}`, target]);
    if (result.code !== 0) throw new Error(`docker cp from ${name}:${machinePath} failed: ${result.stderr.trim()}`);
  }

  /** Saves images of a machine's Docker into an archive on this computer (docker save). */
  public async saveImages(name: string, images: readonly string[], archive: string): Promise<void> {
    const inMachine = '/var/tmp/cnlab-rehearsal-images.tar';
    const saved = await this.exec(name, ['docker', 'save', '-o', inMachine, ...images]);
    if (saved.code !== 0) throw new Error(`docker save on ${name} failed: ${saved.stderr.trim()}`);
    await this.copyFrom(name, inMachine, archive);
    await this.exec(name, ['rm', '-f', inMachine]);
  }

  /** The versions of Docker, containerd, Open vSwitch and iptables a machine runs. */
  public async versions(name: string): Promise<MachineVersions> {
    const ask = async (command: string): Promise<string> => {
      const result = await this.exec(name, ['sh', '-c', command]);
      return result.code === 0 ? result.stdout.trim() : '?';
    };
    return {
      docker: await ask("docker version --format '{{.Server.Version}}'"),
      containerd: await ask("containerd --version | awk '{print $3}'"),
      openVswitch: await ask("ovs-vsctl --version | awk 'NR == 1 {print $NF}'"),
      iptables: await ask('iptables --version'),
      os: await ask('. /etc/os-release && echo "$PRETTY_NAME"'),
    };
  }

  public async snapshot(name: string): Promise<string[]> {
    const result = await this.exec(name, ['env', 'CNLAB_DOCKER_DAEMON_JSON=/etc/docker/daemon.json', 'bash', '-c', HOST_SNAPSHOT_SCRIPT]);
    if (result.code !== 0) {
      throw new Error(`Could not take stock of ${name}: ${result.stderr.trim()}`);
    }
    return result.stdout.split('\n').filter((line) => line.trim() !== '').sort();
  }

  /**
   * Writes the script where the SSM agent writes a command's script (a fresh
   * folder per command) and returns the command that runs it there with `sh`,
   * as root, with only the agent's environment and the parameters, under
   * coreutils' timeout (which stops the script's whole process group).
   */
  public async actionCommand(name: string, environment: Readonly<Record<string, string>>, scriptFile: string, timeoutSeconds: number): Promise<{ command: string; args: string[] }> {
    const folder = `/var/lib/amazon/ssm/i-rehearsal-${name}/document/orchestration/${randomUUID()}/awsrunShellScript/0.awsrunShellScript`;
    const written = await this.exec(name, ['sh', '-c', 'mkdir -p "$1" && cat >"$1/_script.sh"', 'sh', folder], fs.readFileSync(scriptFile, 'utf8'));
    if (written.code !== 0) throw new Error(`Could not write the script on ${name}: ${written.stderr.trim()}`);
    const assignments = Object.entries({ ...AGENT_ENVIRONMENT, ...environment }).map(([key, value]) => `${key}=${value}`);
    return {
      command: 'docker',
      args: ['exec', '-w', folder, `${CONTAINER_PREFIX}${name}`, 'env', '-i', ...assignments,
        'timeout', '--kill-after=10', String(Math.ceil(timeoutSeconds)), 'sh', '_script.sh'],
    };
  }

  public async dockerAnswers(name: string): Promise<boolean> {
    return (await this.exec(name, ['docker', 'info', '--format', '{{.ID}}'])).code === 0;
  }

  public async restartDocker(name: string): Promise<void> {
    await this.exec(name, ['systemctl', 'reset-failed', 'docker.service']);
    const result = await this.exec(name, ['systemctl', 'restart', 'docker.service']);
    if (result.code !== 0) throw new Error(`systemctl restart docker on ${name} failed: ${result.stderr.trim()}`);
  }

  /** The container of a machine on this computer. */
  public containerOf(name: string): string {
    return `${CONTAINER_PREFIX}${name}`;
  }

  /**
   * Bytes a machine's provisioning and labs wrote: its root filesystem's
   * changes (packages, files), its Docker and containerd data, its apt cache.
   * An EC2 host's volume holds these on top of the AMI's own files.
   */
  public async diskUsedBytes(name: string): Promise<number | undefined> {
    const layer = await runQuiet('docker', ['inspect', '--size', '--format', '{{.SizeRw}}', this.containerOf(name)]);
    const data = await this.exec(name, ['du', '-sxb', '/var/lib/docker', '/var/lib/containerd', '/var/cache/apt/archives']);
    if (layer.code !== 0 || data.code !== 0) return undefined;
    const folders = data.stdout.split('\n').map((line) => Number(line.split('\t')[0])).filter(Number.isFinite);
    return Number(layer.stdout.trim()) + folders.reduce((sum, bytes) => sum + bytes, 0);
  }

  /** Stops and removes a machine and its folder. */
  public async destroy(name: string): Promise<void> {
    await this.call(`destroy-${name}`, ['destroy', name], 120);
  }
}

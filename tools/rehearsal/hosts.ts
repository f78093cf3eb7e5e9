import * as fs from 'fs';
import * as path from 'path';
import { HOST_NAME_PREFIX, PlannedHost } from './plan';
import { runLogged, runQuiet, tailOfFile } from './process';

/**
 * The environment the SSM agent gives a command: a plain root environment,
 * not the rehearsal's own (no npm or CI variables leak into the scripts).
 */
export const AGENT_ENVIRONMENT: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
};

/** Lists a host's state, one item a line (see {@link EmulatedHosts.snapshot}). */
const HOST_SNAPSHOT_SCRIPT = [
  "docker ps -a --format 'container {{.Names}} {{.Image}}'",
  "docker network ls --format 'docker-network {{.Name}} {{.Driver}}'",
  "docker volume ls --format 'docker-volume {{.Name}}'",
  "for br in $(ovs-vsctl list-br); do echo \"ovs-bridge $br\"; ovs-vsctl list-ports \"$br\" | sed \"s/^/ovs-port $br /\"; done",
  "ip -o link show | awk -F': ' '{ sub(/@.*/, \"\", $2); print \"link \" $2 }'",
  "ip route show table all | grep -v -e '^local ' -e '^broadcast ' -e '^multicast ' -e ' proto kernel ' -e '^fe80' -e '^ff00' | sed 's/^/route /'",
  'echo "docker-settings $(tr -d \'[:space:]\' < "$CNLAB_DOCKER_DAEMON_JSON")"',
  // Kernel state a step may change: loaded modules (a kernel without loadable
  // modules has no /proc/modules), and the links in /var/run/netns (pipework
  // makes /var/run/netns/<pid>; the emulated hosts' own cnlab-* are not a step's).
  "if [ -e /proc/modules ]; then awk '{ print \"module \" $1 }' /proc/modules; else echo 'module (none: no /proc/modules)'; fi",
  "ls -A /var/run/netns 2>/dev/null | grep -v '^cnlab-' | sed 's/^/netns /' || true",
].join('\n');

/** Removes containers, user-defined networks and volumes, printing `container NAME` etc. for each. */
const CLEAR_DOCKER_SCRIPT = [
  'set -e',
  "for c in $(docker ps -aq); do echo \"container $(docker inspect --format '{{.Name}}' \"$c\" | tr -d /)\"; docker rm -f \"$c\" >/dev/null; done",
  "for n in $(docker network ls --filter type=custom --format '{{.Name}}'); do echo \"docker network $n\"; docker network rm \"$n\" >/dev/null; done",
  "for v in $(docker volume ls -q); do echo \"docker volume $v\"; docker volume rm -f \"$v\" >/dev/null; done",
].join('\n');

/** Where emulated-host.sh keeps each host's run folder. */
const RUN_ROOT = '/run/cnlab';

/** The lock that keeps two rehearsals on one machine from sharing rh1, rh2, ... */
export const REHEARSAL_LOCK_FILE = '/run/cnlab-rehearsal.lock';

/**
 * The emulated lab hosts (assets/rehearsal/emulated-host.sh): network
 * namespaces with their own Docker engine and Open vSwitch on the bridge
 * cnlab-vpc. Every call goes through that script, logged.
 */
export class EmulatedHosts {
  private readonly settings = new Map<string, string[]>();

  constructor(
    /** Path of emulated-host.sh. */
    private readonly script: string,
    /** Folder for the logs of host operations. */
    private readonly logDirectory: string,
  ) {}

  /** Names of the emulated hosts that are up (any owner). */
  public async list(): Promise<string[]> {
    const result = await runQuiet('bash', [this.script, 'list']);
    if (result.code !== 0) {
      throw new Error(`emulated-host.sh list failed: ${result.stderr.trim()}`);
    }
    return result.stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  }

  /** The rehearsal's own hosts that are up (rh1, rh2, ...), e.g. left by an interrupted run. */
  public async listRehearsalHosts(): Promise<string[]> {
    const ours = new RegExp(`^${HOST_NAME_PREFIX}\\d+$`);
    // A host half torn down has no namespace left but still a run folder.
    const runFolders = fs.existsSync(RUN_ROOT) ? fs.readdirSync(RUN_ROOT) : [];
    return [...new Set([...await this.list(), ...runFolders])].filter((name) => ours.test(name)).sort();
  }

  /**
   * Other emulated hosts (not rh*) that hold one of these addresses on the
   * shared VPC bridge: starting ours would put two hosts on one address.
   */
  public async addressConflicts(hosts: readonly PlannedHost[]): Promise<string[]> {
    const conflicts: string[] = [];
    for (const other of (await this.list()).filter((name) => !name.startsWith(HOST_NAME_PREFIX))) {
      const result = await runQuiet('ip', ['netns', 'exec', `cnlab-${other}`, 'ip', '-4', '-o', 'addr', 'show']);
      for (const host of hosts) {
        if (new RegExp(`inet ${host.address.replace(/\./g, '\\.')}/`).test(result.stdout)) {
          conflicts.push(`${host.address} is taken by the emulated host ${other}`);
        }
      }
    }
    return conflicts;
  }

  private async call(what: string, args: readonly string[]): Promise<void> {
    const logFile = path.join(this.logDirectory, `${what}.log`);
    const result = await runLogged('bash', [this.script, ...args], { logFile, env: { ...AGENT_ENVIRONMENT }, timeoutSeconds: 600 });
    if (result.exitCode !== 0) {
      throw new Error(`emulated-host.sh ${args.join(' ')} failed (exit ${result.exitCode ?? result.signal}); ${logFile}:\n${tailOfFile(logFile, 20)}`);
    }
  }

  public async up(host: PlannedHost): Promise<void> {
    await this.call(`up-${host.name}`, ['up', host.name, `${host.address}/${host.prefixLength}`]);
  }

  /** Stops and removes a host; tries a second time after a pause (a Docker engine may still be letting go of its mounts). */
  public async down(name: string): Promise<void> {
    try {
      await this.call(`down-${name}`, ['down', name]);
    } catch {
      // A Docker engine that did not stop cleanly leaves its namespace mounts
      // (docker-exec/netns/...) in the host's run folder, and `down` cannot remove it.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      for (const mountPoint of mountPointsUnder(`${RUN_ROOT}/${name}/`)) {
        await runQuiet('umount', ['-l', mountPoint]);
      }
      await this.call(`down-${name}-again`, ['down', name]);
    }
  }

  public async loadImages(name: string, images: readonly string[]): Promise<void> {
    if (images.length > 0) {
      await this.call(`load-images-${name}`, ['load-images', name, ...images]);
    }
  }

  /**
   * Removes what an earlier rehearsal may have left in the host's Docker data
   * (emulated-host.sh keeps the data root between runs, so the lab images need
   * not be loaded again): containers, Docker networks, volumes. Returns what
   * it removed.
   */
  public async clearDockerLeftovers(name: string): Promise<string[]> {
    const result = await runQuiet('bash', [this.script, 'exec', name, 'bash', '-c', CLEAR_DOCKER_SCRIPT], { ...AGENT_ENVIRONMENT });
    if (result.code !== 0) {
      throw new Error(`Could not clear the Docker leftovers of ${name}: ${result.stderr.trim()}`);
    }
    return result.stdout.split('\n').filter((line) => line.trim() !== '');
  }

  /**
   * What a host has that a step could leave behind: containers, Docker
   * networks and volumes, Open vSwitch bridges and ports, network links and
   * routes, the Docker daemon settings, loaded kernel modules and the entries
   * of /var/run/netns. One item a line, sorted.
   */
  public async snapshot(name: string): Promise<string[]> {
    const result = await runQuiet('bash', [this.script, 'exec', name, 'bash', '-c', HOST_SNAPSHOT_SCRIPT], { ...AGENT_ENVIRONMENT });
    if (result.code !== 0) {
      throw new Error(`Could not take stock of ${name}: ${result.stderr.trim()}`);
    }
    return result.stdout.split('\n').filter((line) => line.trim() !== '').sort();
  }

  /** The settings emulated-host.sh gives the lab scripts on a host (`env NAME`: DOCKER_HOST, OVS_RUNDIR, ...). */
  public async settingsOf(name: string): Promise<string[]> {
    const cached = this.settings.get(name);
    if (cached) return cached;
    const result = await runQuiet('bash', [this.script, 'env', name], { ...AGENT_ENVIRONMENT });
    if (result.code !== 0) {
      throw new Error(`emulated-host.sh env ${name} failed: ${result.stderr.trim()}`);
    }
    const settings = result.stdout.split('\n').filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line));
    this.settings.set(name, settings);
    return settings;
  }

  /**
   * The command that runs a document's script file on a host as the SSM agent
   * does: `sh FILE`, the parameters as environment variables, plus the host's
   * settings (`env NAME`). Spawn it with {@link AGENT_ENVIRONMENT}.
   *
   * It enters only the host's network namespace (nsenter --net), like
   * emulated-host.sh starts the host's daemons, rather than `exec` (ip netns
   * exec): that remounts /sys and hides the cgroup mounts, so a step that
   * restarts Docker (step 4, through CNLAB_DOCKER_RESTART) could not start it
   * again. A lab host has its cgroups mounted too.
   */
  public async actionCommand(host: string, environment: Readonly<Record<string, string>>, scriptFile: string): Promise<{ command: string; args: string[] }> {
    const assignments = Object.entries(environment).map(([name, value]) => `${name}=${value}`);
    return {
      command: 'nsenter',
      args: [`--net=/var/run/netns/cnlab-${host}`, 'env', ...await this.settingsOf(host), ...assignments, 'sh', scriptFile],
    };
  }

  /** Whether a host's Docker engine answers. */
  public async dockerAnswers(name: string): Promise<boolean> {
    const result = await runQuiet('bash', [this.script, 'exec', name, 'docker', 'info', '--format', '{{.ID}}'], { ...AGENT_ENVIRONMENT });
    return result.code === 0;
  }

  /** Restarts a host's Docker engine (from outside the host, where it can start). */
  public async restartDocker(name: string): Promise<void> {
    await this.call(`restart-docker-${name}`, ['restart-docker', name]);
  }

}

/** Mount points under a folder, deepest first (from /proc/self/mountinfo). */
export function mountPointsUnder(folder: string, mountInfo = fs.readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  return mountInfo.split('\n')
    .map((line) => line.split(' ')[4])
    .filter((mountPoint): mountPoint is string => mountPoint !== undefined && mountPoint.startsWith(folder))
    .map((mountPoint) => mountPoint.replace(/\\040/g, ' '))
    .sort((a, b) => b.length - a.length);
}

/**
 * Takes the machine-wide rehearsal lock, or throws when a live rehearsal holds
 * it. Returns the function that releases it.
 */
export function takeRehearsalLock(lockFile = REHEARSAL_LOCK_FILE): () => void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(lockFile, 'utf8').trim() === String(process.pid)) {
            fs.unlinkSync(lockFile);
          }
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
      const holder = Number(fs.readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(`Another rehearsal (pid ${holder}) is running on this machine and uses the hosts ${HOST_NAME_PREFIX}1, ${HOST_NAME_PREFIX}2, ...; wait for it (lock ${lockFile}).`);
      }
      fs.unlinkSync(lockFile); // left by a rehearsal that is gone
    }
  }
  throw new Error(`Could not take the rehearsal lock ${lockFile}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

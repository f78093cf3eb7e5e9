import * as fs from 'fs';

/** Lists a host's state, one item a line (see {@link StepHosts.snapshot}). */
export const HOST_SNAPSHOT_SCRIPT = [
  "docker ps -a --format 'container {{.Names}} {{.Image}}'",
  "docker network ls --format 'docker-network {{.Name}} {{.Driver}}'",
  "docker volume ls --format 'docker-volume {{.Name}}'",
  "for br in $(ovs-vsctl list-br); do echo \"ovs-bridge $br\"; ovs-vsctl list-ports \"$br\" | sed \"s/^/ovs-port $br /\"; done",
  "ip -o link show | awk -F': ' '{ sub(/@.*/, \"\", $2); print \"link \" $2 }'",
  "ip route show table all | grep -v -e '^local ' -e '^broadcast ' -e '^multicast ' -e ' proto kernel ' -e '^fe80' -e '^ff00' | sed 's/^/route /'",
  'echo "docker-settings $(tr -d \'[:space:]\' < "$CNLAB_DOCKER_DAEMON_JSON")"',
  // Kernel state a step may change: loaded modules (a kernel without loadable
  // modules has no /proc/modules), and the entries of /var/run/netns (pipework
  // links /var/run/netns/<pid> there while it works).
  "if [ -e /proc/modules ]; then awk '{ print \"module \" $1 }' /proc/modules; else echo 'module (none: no /proc/modules)'; fi",
  "ls -A /var/run/netns 2>/dev/null | sed 's/^/netns /' || true",
].join('\n');

/**
 * What the step runner needs from the hosts a step runs on: their state, the
 * command that runs a document's script there, and their Docker engine.
 */
export interface StepHosts {
  /**
   * What a host has that a step could leave behind: containers, Docker
   * networks and volumes, Open vSwitch bridges and ports, network links and
   * routes, the Docker daemon settings, loaded kernel modules and the entries
   * of /var/run/netns. One item a line, sorted.
   */
  snapshot(name: string): Promise<string[]>;
  /**
   * The command that runs a document's script file on a host as the SSM agent
   * does (`sh FILE` in a fresh folder, as root, the parameters as
   * environment variables), stopped after `timeoutSeconds` (exit 124).
   * Spawn it with {@link AGENT_ENVIRONMENT}.
   */
  actionCommand(name: string, environment: Readonly<Record<string, string>>, scriptFile: string, timeoutSeconds: number): Promise<{ command: string; args: string[] }>;
  /** Whether a host's Docker engine answers. */
  dockerAnswers(name: string): Promise<boolean>;
  /** Restarts a host's Docker engine. */
  restartDocker(name: string): Promise<void>;
}

/** The lock that keeps two rehearsals on one computer from sharing their machines. */
export const REHEARSAL_LOCK_FILE = '/run/cnlab-machines.lock';

/** The exit code of coreutils' timeout when it stopped the command. */
export const TIMED_OUT_EXIT_CODE = 124;

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
        throw new Error(`Another rehearsal (pid ${holder}) is running on this computer and uses its rehearsal machines; wait for it (lock ${lockFile}).`);
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

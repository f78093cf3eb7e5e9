import * as fs from 'fs';
import * as path from 'path';
import { runQuiet } from '../common/process';

/** Where a machine's memory is accounted on this computer: its container's memory cgroup. */
interface MemoryCgroup {
  /** Folder of the cgroup. */
  readonly folder: string;
  /** cgroup v1 (memory.usage_in_bytes, total_inactive_file) or v2 (memory.current, inactive_file). */
  readonly version: 1 | 2;
}

/** The memory cgroup of a process, from /proc/PID/cgroup (v1 memory controller, else the v2 tree). */
export function memoryCgroupOf(procCgroup: string, cgroupRoot = '/sys/fs/cgroup'): MemoryCgroup | undefined {
  const lines = procCgroup.split('\n');
  const v1 = lines.map((line) => line.split(':')).find((parts) => parts.length >= 3 && parts[1].split(',').includes('memory'));
  if (v1) return { folder: path.join(cgroupRoot, 'memory', v1.slice(2).join(':')), version: 1 };
  const v2 = lines.map((line) => line.split(':')).find((parts) => parts.length >= 3 && parts[0] === '0' && parts[1] === '');
  return v2 ? { folder: path.join(cgroupRoot, v2.slice(2).join(':')), version: 2 } : undefined;
}

/**
 * Memory in use by a cgroup without the page cache the kernel can drop at
 * once (inactive file pages): what `docker stats` calls usage, the working set.
 */
export function workingSetBytes(usage: number, memoryStat: string, version: 1 | 2): number {
  const key = version === 1 ? 'total_inactive_file' : 'inactive_file';
  const line = memoryStat.split('\n').find((candidate) => candidate.startsWith(`${key} `));
  const inactive = line ? Number(line.split(' ')[1]) : 0;
  return Math.max(0, usage - (Number.isFinite(inactive) ? inactive : 0));
}

/** The peaks of one machine: per phase (boot, a step id), in bytes. */
export type MachinePeaks = ReadonlyMap<string, number>;

/**
 * Samples the working set of every watched machine every few seconds and
 * keeps the peak per machine and phase: the figures behind the hosts' sizes.
 */
export class UsageSampler {
  private readonly cgroups = new Map<string, MemoryCgroup>();
  private readonly phases = new Map<string, string>();
  private readonly peaks = new Map<string, Map<string, number>>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly intervalMs = 2000) {}

  /** Starts sampling a machine's container (by container name), in the phase given. */
  public async watch(machine: string, container: string, phase: string): Promise<void> {
    const inspected = await runQuiet('docker', ['inspect', '--format', '{{.State.Pid}}', container]);
    const pid = Number(inspected.stdout.trim());
    if (inspected.code !== 0 || !Number.isInteger(pid) || pid <= 0) return;
    const cgroup = memoryCgroupOf(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
    if (!cgroup || !fs.existsSync(cgroup.folder)) return;
    this.cgroups.set(machine, cgroup);
    this.phases.set(machine, phase);
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** What the machines do from now on (a step id, `boot`): later samples count for it. */
  public setPhase(machines: readonly string[], phase: string): void {
    this.sample();
    machines.forEach((machine) => this.phases.set(machine, phase));
  }

  /** Reads every watched machine's working set once. */
  public sample(): void {
    for (const [machine, cgroup] of this.cgroups) {
      try {
        const usage = Number(fs.readFileSync(path.join(cgroup.folder, cgroup.version === 1 ? 'memory.usage_in_bytes' : 'memory.current'), 'utf8'));
        const bytes = workingSetBytes(usage, fs.readFileSync(path.join(cgroup.folder, 'memory.stat'), 'utf8'), cgroup.version);
        const phase = this.phases.get(machine) ?? 'other';
        const byPhase = this.peaks.get(machine) ?? new Map<string, number>();
        byPhase.set(phase, Math.max(byPhase.get(phase) ?? 0, bytes));
        this.peaks.set(machine, byPhase);
      } catch {
        this.cgroups.delete(machine); // the machine is gone
      }
    }
  }

  /** The peaks of a machine by phase (empty when it was never sampled). */
  public peaksOf(machine: string): MachinePeaks {
    return this.peaks.get(machine) ?? new Map();
  }

  /** Stops sampling. */
  public stop(): void {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

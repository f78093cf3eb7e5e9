import { LabContext } from './aws/context';
import { discoverLabHosts } from './aws/host-inventory';
import { checkSteps } from './checks';
import { askReadiness } from './readiness';
import { CheckGrid, HostReadiness } from './results';
import { timeLeft, TimeLeft } from './time-left';

/** One look at the workshop: every host's readiness and the check grid, at one moment. */
export interface ProgressSnapshot {
  readonly workshop: string;
  /** When the round started (ms since the epoch). */
  readonly takenAt: number;
  /** How long the round took (ms). */
  readonly tookMs: number;
  readonly readiness: readonly HostReadiness[];
  readonly grid: CheckGrid;
}

/** What `lab check --watch` and `lab report` look at. */
export interface ProgressRequest {
  /** One attendee, or every attendee. */
  readonly attendee?: string;
  /** One step, or every step. */
  readonly step?: string;
  readonly timeoutSeconds: number;
  /** Hosts found READY in an earlier round: not asked again (see askReadiness). */
  readonly knownReady?: ReadonlySet<string>;
}

/**
 * One round: the hosts from EC2 (once), the readiness command to the Online
 * hosts not yet known READY, then every step's check, one step after another
 * (as `lab check`).
 */
export async function collectProgress(context: LabContext, request: ProgressRequest): Promise<ProgressSnapshot> {
  const takenAt = context.now();
  const inventory = await discoverLabHosts(context, { attendee: request.attendee });
  const readiness = await askReadiness(context, inventory.hosts, { fast: false, timeoutSeconds: request.timeoutSeconds, knownReady: request.knownReady });
  const grid = await checkSteps(context, { step: request.step, attendee: request.attendee, timeoutSeconds: request.timeoutSeconds }, inventory);
  return { workshop: context.workshop, takenAt, tookMs: context.now() - takenAt, readiness, grid };
}

/** An attendee's line of a progress view: hosts ready of hosts, and the time left. */
export interface AttendeeStanding {
  readonly attendee: string;
  readonly readyHosts: number;
  readonly hosts: readonly HostReadiness[];
  readonly timeLeft: TimeLeft;
}

/** Each attendee of the grid, with their hosts' readiness and time left at the snapshot's moment. */
export function attendeeStandings(snapshot: ProgressSnapshot, now: number = snapshot.takenAt): AttendeeStanding[] {
  return snapshot.grid.attendees.map((attendee) => {
    const hosts = snapshot.readiness.filter(({ host }) => host.attendee === attendee);
    return {
      attendee,
      readyHosts: hosts.filter(({ readiness }) => readiness === 'READY').length,
      hosts,
      timeLeft: timeLeft(hosts.map(({ host }) => host), now),
    };
  });
}

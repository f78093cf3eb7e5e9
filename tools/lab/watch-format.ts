import { describeHost } from './aws/host-inventory';
import { formatReasonLines, formatTable } from './format';
import { attendeeStandings, ProgressSnapshot } from './progress';
import { cellAt, isFailedCell, stepCounts } from './results';
import { EXPIRY_SOON_MINUTES } from './time-left';

/** What the watch knows after a round, to draw a frame. */
export interface WatchRound {
  readonly workshop: string;
  readonly round: number;
  /** The round ended with a grid (and how many throttled calls were retried in it), or was throttled, or failed. */
  readonly outcome: { readonly kind: 'done'; readonly throttledRetries: number } | { readonly kind: 'throttled' | 'failed'; readonly message: string };
  readonly startedAt: number;
  readonly tookMs: number;
  /** The latest complete round's snapshot, and its number. */
  readonly snapshot?: ProgressSnapshot;
  readonly snapshotRound?: number;
  readonly intervalSeconds: number;
  readonly nextRoundAt: number;
}

/** `10:42:10 UTC`. */
export function clockTime(milliseconds: number): string {
  return `${new Date(milliseconds).toISOString().slice(11, 19)} UTC`;
}

/** One frame of `lab check --watch`: the round's line, the grid with readiness and time left, counts per step, what is not ready, the FAIL reasons. */
export function formatWatchFrame(round: WatchRound): string {
  const lines = [
    `lab check --watch: workshop ${round.workshop}, a round every ${round.intervalSeconds} s (Ctrl-C to stop)`,
    roundLine(round),
  ];
  if (round.snapshot) {
    lines.push('', ...gridLines(round.snapshot), ...problemLines(round.snapshot, round.snapshotRound ?? round.round));
    lines.push('', `steps: ${round.snapshot.grid.stepIds.join(', ')}`);
  }
  lines.push(`next round at ${clockTime(round.nextRoundAt)}`);
  return lines.join('\n');
}

function roundLine(round: WatchRound): string {
  const head = `round ${round.round} at ${clockTime(round.startedAt)}`;
  const took = Math.round(round.tookMs / 1000);
  const older = round.snapshot ? `; the grid below is round ${round.snapshotRound}'s` : '; no grid yet';
  switch (round.outcome.kind) {
    case 'done': {
      const slow = took > round.intervalSeconds ? ` (longer than the interval: the next round starts after a short rest)` : '';
      const throttled = round.outcome.throttledRetries > 0 ? `; THROTTLED: AWS asked to slow down, ${round.outcome.throttledRetries} call(s) retried after a pause` : '';
      return `${head}: done in ${took} s${slow}${throttled}`;
    }
    case 'throttled':
      return `${head}: THROTTLED after ${took} s: AWS kept asking to slow down (${round.outcome.message}); waiting longer before the next round${older}`;
    case 'failed':
      return `${head}: FAILED after ${took} s: ${round.outcome.message}${older}`;
  }
}

/** The grid: attendee, hosts ready, time left, one column per step; then PASS and not-PASS counts per step. */
function gridLines(snapshot: ProgressSnapshot): string[] {
  const { grid } = snapshot;
  const rows = attendeeStandings(snapshot).map((standing) => [
    standing.attendee,
    `${standing.readyHosts}/${standing.hosts.length}`,
    standing.timeLeft.minutes !== undefined && standing.timeLeft.minutes < EXPIRY_SOON_MINUTES ? `${standing.timeLeft.label} (!)` : standing.timeLeft.label,
    ...grid.stepIds.map((stepId) => cellAt(grid, standing.attendee, stepId)?.verdict ?? '-'),
  ]);
  const counts = grid.stepIds.map((stepId) => stepCounts(grid, stepId));
  rows.push(['passed', '', '', ...counts.map(({ passed }) => String(passed))]);
  rows.push(['not passed', '', '', ...counts.map(({ notPassed }) => String(notPassed))]);
  return [formatTable(['ATTENDEE', 'READY', 'TIME LEFT', ...grid.stepIds.map((stepId) => stepId.slice(0, 2))], rows)];
}

/** Hosts that are not READY, and the reason of every cell that did not pass. */
function problemLines(snapshot: ProgressSnapshot, snapshotRound: number): string[] {
  const lines: string[] = [];
  const notReady = snapshot.readiness.filter(({ readiness }) => readiness !== 'READY');
  if (notReady.length > 0) {
    lines.push('', 'Hosts not ready:');
    notReady.forEach(({ host, readiness, reason }) => lines.push(`  ${describeHost(host)}: ${reason?.startsWith(readiness) ? reason : `${readiness}${reason ? ` - ${reason}` : ''}`}`));
  }
  const failed = snapshot.grid.cells.filter(isFailedCell);
  if (failed.length > 0) {
    lines.push('', `FAIL reasons of round ${snapshotRound}:`, ...formatReasonLines(failed));
  }
  snapshot.grid.warnings.forEach((warning) => lines.push(`warning: ${warning}`));
  return lines;
}

import { HostCommandResult, STDERR_LIMIT, STDOUT_LIMIT } from './aws/command-runner';
import { describeHost, FoundHost } from './aws/host-inventory';
import { AttendeeStackState, ExtendResult } from './aws/stacks';
import { cellAt, CheckCell, CheckGrid, CheckVerdict, HostReadiness, HostStepResult, isFailedCell, StepActionReport } from './results';
import { timeLeft } from './time-left';

// Pure text and JSON shaping; nothing here talks to AWS.

/** `[ 3/12] alice multi#2 (i-0abc) Failed: FAIL: ...`: one line per host as it finishes. */
export function formatHostProgress(host: FoundHost, result: HostCommandResult, finished?: number, total?: number): string {
  const counter = finished !== undefined && total !== undefined ? `[${String(finished).padStart(String(total).length)}/${total}] ` : '';
  const detail = [result.exitCode !== undefined && result.exitCode >= 0 ? `exit ${result.exitCode}` : undefined, result.detail].filter(Boolean).join(', ');
  return `${counter}${describeHost(host)} ${result.outcome}${detail ? ` (${detail})` : ''}`;
}

/** `... 5 of 12 hosts still running (120 s)`. */
export function formatWaiting(waiting: number, total: number, elapsedSeconds: number): string {
  return `... ${waiting} of ${total} hosts still running (${elapsedSeconds} s)`;
}

/** `check 03-port-publishing: 9 PASS, 1 FAIL (12 s)`: one line per step of `lab check`. */
export function formatStepProgress(stepId: string, cells: readonly CheckCell[], elapsedSeconds: number): string {
  const counts = countVerdicts(cells);
  const parts = (Object.entries(counts) as Array<[string, number]>).filter(([, count]) => count > 0).map(([verdict, count]) => `${count} ${verdict}`);
  return `check ${stepId}: ${parts.join(', ') || 'no attendees'} (${elapsedSeconds} s)`;
}

/** The `lab hosts` table: readiness, and time left until each host's expiry. */
export function formatHostsTable(hosts: readonly HostReadiness[], nowMs: number): string {
  const rows = hosts.map(({ host, readiness, reason }) => [
    host.attendee,
    host.topology,
    String(host.hostIndex),
    host.instanceId,
    host.privateIp ?? '-',
    host.agentStatus,
    readiness,
    timeLeft([host], nowMs).label,
    reason ?? '',
  ]);
  return formatTable(['ATTENDEE', 'TOPOLOGY', 'INDEX', 'INSTANCE', 'PRIVATE IP', 'AGENT', 'READINESS', 'EXPIRES', 'DETAIL'], rows);
}

/** The attendee stacks that need the organiser (a failed deletion or rollback), and what to do. */
export function formatStacksNeedingAction(stacks: readonly AttendeeStackState[]): string {
  if (stacks.length === 0) return '';
  const lines = [`Attendee stacks that need you (${stacks.length}):`];
  for (const stack of stacks) {
    lines.push(`  ${stack.attendee ?? '?'}  ${stack.stackName}  ${stack.status}${stack.reason ? `: ${stack.reason}` : ''}`);
  }
  lines.push('  Finish with: npx cdk destroy STACK --force (with the deployment\'s -c values), or delete it in the CloudFormation console;',
    '  its events name what could not be deleted (docs/organiser-runbook.md, "Access and safety").');
  return lines.join('\n');
}

/** What `lab extend` did, per attendee, and the hosts that expiry had already stopped. */
export function formatExtendReport(results: ReadonlyArray<ExtendResult & { attendee: string }>, stopped: readonly FoundHost[], warnings: readonly string[]): string {
  const rows = results.map((result) => [
    result.attendee, result.stackName,
    result.before === undefined ? '-' : result.before === '' ? 'never' : `${result.before}Z`,
    result.after === undefined ? '-' : `${result.after}Z`,
    result.ok ? 'OK' : `FAILED: ${result.status}${result.detail ? ` (${result.detail})` : ''}`,
  ]);
  const lines = [formatTable(['ATTENDEE', 'STACK', 'EXPIRED AT', 'EXPIRES AT', 'RESULT'], rows)];
  lines.push('', `${results.filter((result) => result.ok).length} of ${results.length} expiries moved; a later cdk deploy keeps them.`);
  if (stopped.length > 0) {
    lines.push(`${stopped.length} host(s) were stopped (by the expiry?); start them again: aws ec2 start-instances --instance-ids ${stopped.map((host) => host.instanceId).join(' ')}`);
  }
  warnings.forEach((warning) => lines.push(`warning: ${warning}`));
  return lines.join('\n');
}

/** Each host's output, then a summary naming the hosts that failed. */
export function formatActionReport(report: StepActionReport): string {
  const lines: string[] = [];
  for (const { host, result } of report.results) {
    lines.push(`=== ${describeHost(host)} ${host.privateIp ?? ''}: ${result.outcome}${result.exitCode !== undefined && result.exitCode >= 0 ? ` (exit ${result.exitCode})` : ''}${result.commandId ? ` command ${result.commandId}` : ''}`.replace(/ +:/, ':'));
    if (result.detail) {
      lines.push(`(${result.detail})`);
    }
    if (result.stdout) {
      lines.push(result.stdout.replace(/\n$/, ''));
    }
    if (result.stdoutTruncated) {
      lines.push(`[output cut by SSM at ${STDOUT_LIMIT.toLocaleString('en')} characters; see the full log on the host or the command ${result.commandId ?? ''} in the SSM console]`);
    }
    if (result.stderr) {
      lines.push('--- stderr ---', result.stderr.replace(/\n$/, ''));
    }
    if (result.stderrTruncated) {
      lines.push(`[error output cut by SSM at ${STDERR_LIMIT.toLocaleString('en')} characters]`);
    }
  }
  lines.push('', formatActionSummary(report));
  return lines.join('\n');
}

/** `run 06-across-hosts: 10 of 12 hosts succeeded`, then one line per host that did not. */
export function formatActionSummary(report: StepActionReport): string {
  const failed = report.results.filter(({ result }) => result.outcome !== 'Success');
  const lines = [`${report.action} ${report.stepId} (${report.documentName}): ${report.results.length - failed.length} of ${report.results.length} hosts succeeded`];
  if (failed.length > 0) {
    lines.push(`Failed on ${failed.length} host(s) of ${new Set(failed.map(({ host }) => host.attendee)).size} attendee(s):`);
    for (const { host, result } of failed) {
      lines.push(`  ${describeHost(host)}: ${result.outcome}${failureReason(result) ? ` - ${failureReason(result)}` : ''}`);
    }
  }
  if (report.attendeesWithoutHosts.length > 0) {
    lines.push(`No ${report.topology}-host topology (not run): ${report.attendeesWithoutHosts.join(', ')}`);
  }
  report.warnings.forEach((warning) => lines.push(`warning: ${warning}`));
  return lines.join('\n');
}

/** Why a host's command did not succeed, in one line: its `FAIL: ...` line if it printed one. */
export function failureReason(result: HostCommandResult): string {
  const failLine = /^FAIL: .*$/m.exec(result.stdout) ?? /^FAIL: .*$/m.exec(result.stderr);
  if (failLine) {
    return failLine[0].trim();
  }
  if (result.outcome === 'Success') {
    return '';
  }
  const lastErrorLine = result.stderr.split('\n').map((line) => line.trim()).filter(Boolean).pop();
  const exit = result.exitCode !== undefined && result.exitCode >= 0 ? `exit code ${result.exitCode}` : undefined;
  return [result.detail, exit, lastErrorLine].filter(Boolean).join(', ') || result.outcome;
}

/** The attendee × step grid, a legend of the step numbers, and the reason of every cell that is not PASS. */
export function formatCheckGrid(grid: CheckGrid): string {
  const header = ['ATTENDEE', ...grid.stepIds.map((stepId) => stepId.slice(0, 2))];
  const rows = grid.attendees.map((attendee) => [attendee, ...grid.stepIds.map((stepId) => cellAt(grid, attendee, stepId)?.verdict ?? '-')]);
  const lines = [formatTable(header, rows)];
  lines.push('', `steps: ${grid.stepIds.join(', ')}`);
  const problems = grid.cells.filter(isFailedCell);
  if (problems.length > 0) {
    lines.push('', 'Not passing:', ...formatReasonLines(problems));
  }
  const counts = countVerdicts(grid.cells);
  const graded = grid.cells.length - counts['N/A'];
  lines.push('', `${counts.PASS} of ${graded} checks passed` +
    (problems.length > 0 ? `; attendees with failures: ${[...new Set(problems.map((cell) => cell.attendee))].join(', ')}` : '') +
    (counts['N/A'] > 0 ? `; ${counts['N/A']} N/A (no host of that topology)` : ''));
  grid.warnings.forEach((warning) => lines.push(`warning: ${warning}`));
  return lines.join('\n');
}

/**
 * `  alice  03-port-publishing  FAIL     FAIL: ...`: one line per cell given (the
 * failed ones), attendee and step padded to the longest of them, the verdict to 7.
 */
export function formatReasonLines(cells: readonly CheckCell[]): string[] {
  const attendeeWidth = Math.max(...cells.map((cell) => cell.attendee.length));
  const stepWidth = Math.max(...cells.map((cell) => cell.stepId.length));
  return cells.map((cell) => `  ${cell.attendee.padEnd(attendeeWidth)}  ${cell.stepId.padEnd(stepWidth)}  ${cell.verdict.padEnd(7)}  ${cell.reason ?? ''}`.trimEnd());
}

/** The machine-readable form of a check grid (`lab check --json`); docs/lab-command.md describes it. */
export interface CheckGridJson {
  readonly workshop: string;
  readonly ok: boolean;
  readonly steps: readonly string[];
  readonly attendees: readonly string[];
  /** attendee → step → verdict. */
  readonly grid: Record<string, Record<string, string>>;
  readonly results: ReadonlyArray<{
    readonly attendee: string;
    readonly step: string;
    readonly verdict: string;
    readonly reason?: string;
    readonly hosts: ReadonlyArray<{
      readonly instanceId: string;
      readonly topology: string;
      readonly hostIndex: number;
      readonly outcome: string;
      readonly exitCode?: number;
      readonly commandId?: string;
      readonly detail?: string;
    }>;
  }>;
  readonly summary: Record<string, number>;
  readonly warnings: readonly string[];
}

/** The check grid as `lab check --json` prints it. */
export function checkGridToJson(grid: CheckGrid): CheckGridJson {
  const counts = countVerdicts(grid.cells);
  const table: Record<string, Record<string, string>> = {};
  for (const attendee of grid.attendees) {
    table[attendee] = {};
  }
  for (const cell of grid.cells) {
    table[cell.attendee][cell.stepId] = cell.verdict;
  }
  return {
    workshop: grid.workshop,
    ok: !grid.cells.some(isFailedCell),
    steps: grid.stepIds,
    attendees: grid.attendees,
    grid: table,
    results: grid.cells.map((cell) => ({
      attendee: cell.attendee,
      step: cell.stepId,
      verdict: cell.verdict,
      ...(cell.reason ? { reason: cell.reason } : {}),
      hosts: cell.hosts.map(({ host, result }: HostStepResult) => ({
        instanceId: host.instanceId,
        topology: host.topology,
        hostIndex: host.hostIndex,
        outcome: result.outcome,
        ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
        ...(result.commandId ? { commandId: result.commandId } : {}),
        ...(result.detail ? { detail: result.detail } : {}),
      })),
    })),
    summary: { pass: counts.PASS, fail: counts.FAIL, offline: counts.OFFLINE, timeout: counts.TIMEOUT, unknown: counts.UNKNOWN, notApplicable: counts['N/A'] },
    warnings: grid.warnings,
  };
}

function countVerdicts(cells: readonly CheckCell[]): Record<CheckVerdict, number> {
  const counts: Record<CheckVerdict, number> = { 'PASS': 0, 'FAIL': 0, 'OFFLINE': 0, 'TIMEOUT': 0, 'UNKNOWN': 0, 'N/A': 0 };
  cells.forEach((cell) => { counts[cell.verdict] += 1; });
  return counts;
}

/** Left-aligned columns separated by two spaces. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

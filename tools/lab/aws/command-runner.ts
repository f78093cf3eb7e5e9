import { CancelCommandCommand, GetCommandInvocationCommand, GetCommandInvocationCommandOutput, SendCommandCommand } from '@aws-sdk/client-ssm';
import { LabContext } from './context';
import { chunks, isThrottlingError, mapWithConcurrency, withBackoff } from './retry';

/** Most instance IDs one SendCommand takes. */
export const SEND_COMMAND_BATCH_SIZE = 50;

/** SSM returns at most this many characters of a command's standard output... */
export const STDOUT_LIMIT = 24000;
/** ...and of its standard error. */
export const STDERR_LIMIT = 8000;

/** One host to send a document to, with the parameter values for it. */
export interface CommandTarget {
  readonly instanceId: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/**
 * How a host's command ended: SSM's final statuses; `TimedOut` also when the
 * lab command stopped waiting (it then cancels the command); `Undeliverable`
 * when SendCommand refused it; `Offline` when its SSM agent was not Online,
 * so nothing was sent; `Skipped` when a multi-host step was not sent because
 * another of the attendee's hosts was offline; `Unknown` when asking SSM for
 * its result stayed throttled, so nobody knows how it ended.
 */
export type HostOutcome = 'Success' | 'Failed' | 'TimedOut' | 'Cancelled' | 'Undeliverable' | 'Offline' | 'Skipped' | 'Unknown';

/** Rounds in a row a host's poll may end throttled (after the backoff's own retries) before its result is reported Unknown. */
export const THROTTLED_ROUNDS_BEFORE_UNKNOWN = 3;

/** The result of a document on one host. */
export interface HostCommandResult {
  readonly instanceId: string;
  readonly outcome: HostOutcome;
  /** SSM command id, to look the command up in the console or CLI. */
  readonly commandId?: string;
  /** SSM's status details (e.g. `Failed`, `ExecutionTimedOut`, `Undeliverable`) or the lab command's own reason. */
  readonly detail?: string;
  /** Exit code of the script, -1 when it did not finish. */
  readonly exitCode?: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Whether SSM cut the output at its 24,000 / 8,000 character limits. */
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
}

/** What to run, where, and how long to wait. */
export interface CommandRunRequest {
  readonly documentName: string;
  readonly targets: readonly CommandTarget[];
  /** How long to wait for all hosts; unfinished hosts are reported TimedOut. */
  readonly timeoutSeconds: number;
  /** Shown in the SSM console's command history. */
  readonly comment?: string;
  /** Called once per host as it finishes, in the order they finish. */
  readonly onHostFinished?: (result: HostCommandResult, finished: number, total: number) => void;
  /** First delay between polls. @default 2000 */
  readonly pollIntervalMs?: number;
  /** Largest delay between polls (delays grow by half each round). @default 15000 */
  readonly maxPollIntervalMs?: number;
  /** At most this many GetCommandInvocation calls in flight. @default 10 */
  readonly pollConcurrency?: number;
  /** Called while hosts are still running, at most once per {@link heartbeatMs}. */
  readonly onStillWaiting?: (waiting: number, total: number, elapsedSeconds: number) => void;
  /** @default 60000 */
  readonly heartbeatMs?: number;
}

const WAITING_STATUSES = new Set(['Pending', 'InProgress', 'Delayed']);

/**
 * Sends a document to hosts and waits for each host's result.
 *
 * Hosts with the same parameter values share a SendCommand, up to 50 at a
 * time. Waiting follows `waitUntilCommandExecuted` (the same GetCommandInvocation
 * statuses end or continue the wait), but with one poll loop for all hosts:
 * delays come from the injected sleep, polls are paced and throttled polls
 * back off; a host whose polls stay throttled is reported Unknown while the
 * others are still waited for; hosts still running at the deadline are
 * reported TimedOut and their commands cancelled.
 */
export async function sendCommandAndWait(context: LabContext, request: CommandRunRequest): Promise<HostCommandResult[]> {
  const startedAt = context.now();
  const results = new Map<string, HostCommandResult>();
  const total = request.targets.length;
  const finish = (result: HostCommandResult): void => {
    results.set(result.instanceId, result);
    request.onHostFinished?.(result, results.size, total);
  };

  const pending: PendingInvocation[] = [];
  for (const batch of batchTargets(request.targets)) {
    try {
      const sent = await withBackoff(() => context.ssm.send(new SendCommandCommand({
        DocumentName: request.documentName,
        InstanceIds: batch.instanceIds,
        Parameters: Object.fromEntries(Object.entries(batch.parameters).map(([name, value]) => [name, [value]])),
        // Delivery timeout: a host that has not started the command by then never will.
        TimeoutSeconds: Math.max(30, Math.ceil(request.timeoutSeconds)),
        Comment: request.comment?.slice(0, 100),
      })), context.backoff);
      const commandId = sent.Command?.CommandId;
      if (!commandId) {
        throw new Error(`SendCommand of ${request.documentName} returned no command id.`);
      }
      pending.push(...batch.instanceIds.map((instanceId) => ({ instanceId, commandId })));
    } catch (error) {
      if (isNotDeliverable(error)) {
        for (const instanceId of batch.instanceIds) {
          finish(emptyResult(instanceId, 'Undeliverable', `SendCommand refused: ${errorText(error)}`));
        }
        continue;
      }
      throw error;
    }
  }

  await waitForResults(context, request, pending, finish, startedAt);
  return request.targets.map((target) => results.get(target.instanceId) ?? emptyResult(target.instanceId, 'Undeliverable', 'not sent'));
}

/** A command sent to a host, and how many poll rounds in a row ended throttled. */
interface PendingInvocation {
  readonly instanceId: string;
  readonly commandId: string;
  throttledRounds?: number;
}

/**
 * The one poll loop for all hosts: paced and growing delays, at most
 * `pollConcurrency` calls in flight. A host whose poll stays throttled for
 * THROTTLED_ROUNDS_BEFORE_UNKNOWN rounds is finished as Unknown (the others
 * go on); at the deadline the hosts still running are finished as TimedOut
 * and their commands are cancelled.
 */
async function waitForResults(
  context: LabContext, request: CommandRunRequest, pending: PendingInvocation[], finish: (result: HostCommandResult) => void, startedAt: number,
): Promise<void> {
  const deadline = startedAt + request.timeoutSeconds * 1000;
  const total = request.targets.length;
  let delay = request.pollIntervalMs ?? 2000;
  const maxDelay = request.maxPollIntervalMs ?? 15000;
  let waiting = pending;
  let lastHeartbeat = startedAt;
  while (waiting.length > 0) {
    const remaining = deadline - context.now();
    if (remaining <= 0) {
      await cancelTimedOut(context, waiting, Math.round((context.now() - startedAt) / 1000), finish);
      return;
    }
    await context.sleep(Math.min(delay, remaining));
    delay = Math.min(maxDelay, Math.round(delay * 1.5));
    const polled = await mapWithConcurrency(waiting, request.pollConcurrency ?? 10, async (invocation) => {
      const result = await pollInvocation(context, invocation.commandId, invocation.instanceId);
      if (result === 'throttled') {
        invocation.throttledRounds = (invocation.throttledRounds ?? 0) + 1;
        if (invocation.throttledRounds < THROTTLED_ROUNDS_BEFORE_UNKNOWN) return invocation;
        finish({
          ...emptyResult(invocation.instanceId, 'Unknown',
            `result unknown: asking SSM for it stayed throttled ${invocation.throttledRounds} rounds in a row; the command may still run (see it in the SSM console)`),
          commandId: invocation.commandId,
        });
        return undefined;
      }
      invocation.throttledRounds = 0;
      if (result) {
        finish(result);
      }
      return result ? undefined : invocation;
    });
    waiting = polled.filter((invocation): invocation is PendingInvocation => invocation !== undefined);
    if (waiting.length > 0 && request.onStillWaiting && context.now() - lastHeartbeat >= (request.heartbeatMs ?? 60000)) {
      lastHeartbeat = context.now();
      request.onStillWaiting(waiting.length, total, Math.round((lastHeartbeat - startedAt) / 1000));
    }
  }
}

/**
 * The hosts still running at the deadline: their commands are cancelled
 * (CancelCommand, one call per command), so that a step the lab command no
 * longer waits for does not go on changing the host behind the organiser's
 * back, and they are reported TimedOut with the command id.
 */
async function cancelTimedOut(context: LabContext, waiting: readonly PendingInvocation[], waitedSeconds: number, finish: (result: HostCommandResult) => void): Promise<void> {
  const byCommand = new Map<string, string[]>();
  for (const { commandId, instanceId } of waiting) {
    byCommand.set(commandId, [...(byCommand.get(commandId) ?? []), instanceId]);
  }
  for (const [commandId, instanceIds] of byCommand) {
    let cancelled = 'the lab command cancelled it (CancelCommand)';
    try {
      await withBackoff(() => context.ssm.send(new CancelCommandCommand({ CommandId: commandId, InstanceIds: instanceIds })), context.backoff);
    } catch (error) {
      cancelled = `could not cancel it (${errorText(error)}): it may still be running`;
    }
    for (const instanceId of instanceIds) {
      finish({ ...emptyResult(instanceId, 'TimedOut', `no result after ${waitedSeconds} s (--timeout); ${cancelled}`), commandId });
    }
  }
}

/** Groups targets with the same parameter values into SendCommand batches of up to 50 hosts. */
export function batchTargets(targets: readonly CommandTarget[]): Array<{ instanceIds: string[]; parameters: Readonly<Record<string, string>> }> {
  const groups = new Map<string, { instanceIds: string[]; parameters: Readonly<Record<string, string>> }>();
  for (const target of targets) {
    const key = JSON.stringify(Object.entries(target.parameters).sort(([a], [b]) => a.localeCompare(b)));
    const group = groups.get(key) ?? { instanceIds: [], parameters: target.parameters };
    group.instanceIds.push(target.instanceId);
    groups.set(key, group);
  }
  return [...groups.values()].flatMap((group) =>
    chunks(group.instanceIds, SEND_COMMAND_BATCH_SIZE).map((instanceIds) => ({ instanceIds, parameters: group.parameters })));
}

/** The host's result when its command has ended, undefined while it runs, 'throttled' when SSM would not say. */
async function pollInvocation(context: LabContext, commandId: string, instanceId: string): Promise<HostCommandResult | 'throttled' | undefined> {
  let invocation: GetCommandInvocationCommandOutput;
  try {
    invocation = await withBackoff(() => context.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })), context.backoff);
  } catch (error) {
    // Right after SendCommand the invocation may not exist yet; the SDK's waiter retries too.
    if ((error as { name?: string }).name === 'InvocationDoesNotExist') {
      return undefined;
    }
    if (isThrottlingError(error)) {
      return 'throttled';
    }
    throw error;
  }
  const status = invocation.Status ?? 'Pending';
  if (WAITING_STATUSES.has(status)) {
    return undefined;
  }
  const stdout = invocation.StandardOutputContent ?? '';
  const stderr = invocation.StandardErrorContent ?? '';
  return {
    instanceId,
    commandId,
    outcome: outcomeOf(status),
    detail: invocation.StatusDetails && invocation.StatusDetails !== status ? invocation.StatusDetails : undefined,
    exitCode: invocation.ResponseCode,
    stdout,
    stderr,
    stdoutTruncated: isTruncated(stdout, STDOUT_LIMIT),
    stderrTruncated: isTruncated(stderr, STDERR_LIMIT),
  };
}

function outcomeOf(status: string): HostOutcome {
  switch (status) {
    case 'Success': return 'Success';
    case 'TimedOut': return 'TimedOut';
    case 'Cancelled':
    case 'Cancelling': return 'Cancelled';
    default: return 'Failed';
  }
}

function isTruncated(text: string, limit: number): boolean {
  return text.length >= limit || /-+\s*output truncated\s*-+/i.test(text.slice(-200));
}

/** A result for a host whose command produced no output. */
export function emptyResult(instanceId: string, outcome: HostOutcome, detail: string): HostCommandResult {
  return { instanceId, outcome, detail, exitCode: -1, stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false };
}

/** SendCommand errors that concern the hosts of one batch, not the whole run. */
function isNotDeliverable(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? '';
  return ['InvalidInstanceId', 'UnsupportedPlatformType', 'InvalidParameters'].includes(name);
}

function errorText(error: unknown): string {
  const { name, message } = error as { name?: string; message?: string };
  return [name, message].filter(Boolean).join(': ') || String(error);
}

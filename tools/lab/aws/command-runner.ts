import { GetCommandInvocationCommand, GetCommandInvocationCommandOutput, SendCommandCommand } from '@aws-sdk/client-ssm';
import { LabContext } from './context';
import { mapWithConcurrency, withBackoff } from './retry';

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
 * lab command stopped waiting; `Undeliverable` when SendCommand refused it;
 * `Offline` when its SSM agent was not Online, so nothing was sent; `Skipped`
 * when a multi-host step was not sent because another of the attendee's hosts
 * was offline.
 */
export type HostOutcome = 'Success' | 'Failed' | 'TimedOut' | 'Cancelled' | 'Undeliverable' | 'Offline' | 'Skipped';

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
 * back off, and hosts still running at the deadline are reported as TimedOut
 * (their command may still be running; its id is in the result).
 */
export async function sendCommandAndWait(context: LabContext, request: CommandRunRequest): Promise<HostCommandResult[]> {
  const startedAt = context.now();
  const deadline = startedAt + request.timeoutSeconds * 1000;
  const results = new Map<string, HostCommandResult>();
  const total = request.targets.length;
  const finish = (result: HostCommandResult): void => {
    results.set(result.instanceId, result);
    request.onHostFinished?.(result, results.size, total);
  };

  const pending: Array<{ instanceId: string; commandId: string }> = [];
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

  let delay = request.pollIntervalMs ?? 2000;
  const maxDelay = request.maxPollIntervalMs ?? 15000;
  let waiting = pending;
  let lastHeartbeat = startedAt;
  while (waiting.length > 0) {
    const remaining = deadline - context.now();
    if (remaining <= 0) {
      const waitedSeconds = Math.round((context.now() - startedAt) / 1000);
      for (const { instanceId, commandId } of waiting) {
        finish({
          ...emptyResult(instanceId, 'TimedOut', `no result after ${waitedSeconds} s (--timeout); the command may still be running`),
          commandId,
        });
      }
      break;
    }
    await context.sleep(Math.min(delay, remaining));
    delay = Math.min(maxDelay, Math.round(delay * 1.5));
    const polled = await mapWithConcurrency(waiting, request.pollConcurrency ?? 10, async (invocation) => {
      const result = await pollInvocation(context, invocation.commandId, invocation.instanceId);
      if (result) {
        finish(result);
      }
      return result ? undefined : invocation;
    });
    waiting = polled.filter((invocation): invocation is { instanceId: string; commandId: string } => invocation !== undefined);
    if (waiting.length > 0 && request.onStillWaiting && context.now() - lastHeartbeat >= (request.heartbeatMs ?? 60000)) {
      lastHeartbeat = context.now();
      request.onStillWaiting(waiting.length, total, Math.round((lastHeartbeat - startedAt) / 1000));
    }
  }

  return request.targets.map((target) => results.get(target.instanceId) ?? emptyResult(target.instanceId, 'Undeliverable', 'not sent'));
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
  return [...groups.values()].flatMap((group) => {
    const batches = [];
    for (let start = 0; start < group.instanceIds.length; start += SEND_COMMAND_BATCH_SIZE) {
      batches.push({ instanceIds: group.instanceIds.slice(start, start + SEND_COMMAND_BATCH_SIZE), parameters: group.parameters });
    }
    return batches;
  });
}

/** The host's result when its command has ended, undefined while it runs. */
async function pollInvocation(context: LabContext, commandId: string, instanceId: string): Promise<HostCommandResult | undefined> {
  let invocation: GetCommandInvocationCommandOutput;
  try {
    invocation = await withBackoff(() => context.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })), context.backoff);
  } catch (error) {
    // Right after SendCommand the invocation may not exist yet; the SDK's waiter retries too.
    if ((error as { name?: string }).name === 'InvocationDoesNotExist') {
      return undefined;
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

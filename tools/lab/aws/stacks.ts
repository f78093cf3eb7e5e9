import { DescribeStacksCommand, DescribeStacksCommandOutput, Stack, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { atExpressionTime, EXPIRES_AT_PARAMETER, EXPIRES_AT_PATTERN, LAB_TAGS } from '../../../lib/contract';
import { LabContext } from './context';
import { withBackoff } from './retry';

/**
 * Stack states an organiser has to act on: a deletion that stopped half way
 * (DELETE_FAILED, e.g. the expiry's delete mode could not remove something),
 * or a rollback that could not finish.
 */
export const STACK_STATES_NEEDING_ACTION = ['DELETE_FAILED', 'ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED'] as const;

/** An attendee stack of the workshop, as CloudFormation describes it. */
export interface AttendeeStackState {
  readonly stackName: string;
  /** Its `attendee` tag, when it has one. */
  readonly attendee?: string;
  readonly status: string;
  /** Why it is in that state, when CloudFormation says. */
  readonly reason?: string;
}

function tag(stack: Stack, key: string): string | undefined {
  return stack.Tags?.find((candidate) => candidate.Key === key)?.Value;
}

/**
 * The workshop's attendee stacks (tags `workshop` and `attendee`) in a state
 * that needs the organiser: they may have no host left (a failed deletion has
 * terminated them), so `lab hosts` asks CloudFormation, not EC2.
 */
export async function findStacksNeedingAction(context: LabContext): Promise<AttendeeStackState[]> {
  const found: AttendeeStackState[] = [];
  let nextToken: string | undefined;
  do {
    const page: DescribeStacksCommandOutput = await withBackoff(() => context.cfn.send(new DescribeStacksCommand({ NextToken: nextToken })), context.backoff);
    for (const stack of page.Stacks ?? []) {
      const attendee = tag(stack, LAB_TAGS.attendee);
      if (tag(stack, LAB_TAGS.workshop) !== context.workshop || attendee === undefined || !stack.StackName || !stack.StackStatus) continue;
      if ((STACK_STATES_NEEDING_ACTION as readonly string[]).includes(stack.StackStatus)) {
        found.push({ stackName: stack.StackName, attendee, status: stack.StackStatus, ...(stack.StackStatusReason ? { reason: stack.StackStatusReason } : {}) });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return found.sort((a, b) => a.stackName.localeCompare(b.stackName));
}

/** How one stack's expiry was moved, or why not. */
export interface ExtendResult {
  readonly stackName: string;
  /** The ExpiresAt value before (yyyy-mm-ddThh:mm:ss, UTC; '' = never), when it was read. */
  readonly before?: string;
  /** The new value, when an update was asked for. */
  readonly after?: string;
  /** The stack's final state (UPDATE_COMPLETE when it worked), or what went wrong. */
  readonly status: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/**
 * The new expiry: `hours` after the current one, or after now when it is
 * past or was never set; rounded up to the minute.
 */
export function extendedExpiry(current: string, hours: number, nowMs: number): string {
  const currentMs = new RegExp(EXPIRES_AT_PATTERN).test(current) ? Date.parse(`${current}Z`) : NaN;
  const from = Number.isNaN(currentMs) || currentMs < nowMs ? nowMs : currentMs;
  return atExpressionTime(new Date(Math.ceil((from + hours * 3_600_000) / 60_000) * 60_000));
}

/** States from which a stack may be updated. */
const UPDATABLE = /^(CREATE|UPDATE|IMPORT)_COMPLETE$|^UPDATE_ROLLBACK_COMPLETE$/;

/**
 * Moves one attendee stack's expiry `hours` later: an UpdateStack with the
 * deployed template and every parameter as it is but ExpiresAt, so
 * CloudFormation itself changes the schedule and the `expires-at` tags (and a
 * later `cdk deploy`, which passes the previous value of ExpiresAt, keeps
 * it). Waits for the update to end, at most `timeoutSeconds`.
 */
export async function extendStackExpiry(context: LabContext, stackName: string, hours: number, timeoutSeconds: number): Promise<ExtendResult> {
  const stack = await describeStack(context, stackName);
  if (!stack) {
    return { stackName, status: 'not found', ok: false, detail: 'CloudFormation has no such stack' };
  }
  const parameter = stack.Parameters?.find((candidate) => candidate.ParameterKey === EXPIRES_AT_PARAMETER);
  if (!parameter) {
    return { stackName, status: stack.StackStatus ?? '?', ok: false, detail: `no ${EXPIRES_AT_PARAMETER} parameter: deployed by an older version; redeploy it with -c expiresAt=...` };
  }
  const before = parameter.ParameterValue ?? '';
  if (!UPDATABLE.test(stack.StackStatus ?? '')) {
    return { stackName, before, status: stack.StackStatus ?? '?', ok: false, detail: 'the stack cannot be updated in this state' };
  }
  const after = extendedExpiry(before, hours, context.now());
  await withBackoff(() => context.cfn.send(new UpdateStackCommand({
    StackName: stackName,
    UsePreviousTemplate: true,
    Parameters: (stack.Parameters ?? []).map(({ ParameterKey }) => (ParameterKey === EXPIRES_AT_PARAMETER
      ? { ParameterKey, ParameterValue: after } : { ParameterKey, UsePreviousValue: true })),
    // The template has IAM resources (roles, and a named group and policy); nothing in them changes.
    Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
  })), context.backoff);
  const final = await waitForUpdate(context, stackName, timeoutSeconds);
  return { stackName, before, after, status: final.status, ok: final.status === 'UPDATE_COMPLETE', ...(final.reason ? { detail: final.reason } : {}) };
}

async function describeStack(context: LabContext, stackName: string): Promise<Stack | undefined> {
  try {
    const answer = await withBackoff(() => context.cfn.send(new DescribeStacksCommand({ StackName: stackName })), context.backoff);
    return answer.Stacks?.[0];
  } catch (error) {
    if ((error as { name?: string }).name === 'ValidationError') return undefined;
    throw error;
  }
}

/** Polls the stack until its update ends (a state not ending in _IN_PROGRESS) or the time is up. */
async function waitForUpdate(context: LabContext, stackName: string, timeoutSeconds: number): Promise<{ status: string; reason?: string }> {
  const deadline = context.now() + timeoutSeconds * 1000;
  let delay = 5000;
  for (;;) {
    await context.sleep(Math.max(0, Math.min(delay, deadline - context.now())));
    const stack = await describeStack(context, stackName);
    const status = stack?.StackStatus ?? 'gone';
    if (!status.endsWith('_IN_PROGRESS')) {
      return { status, ...(stack?.StackStatusReason ? { reason: stack.StackStatusReason } : {}) };
    }
    if (context.now() >= deadline) {
      return { status, reason: `still ${status} after ${timeoutSeconds} s (--timeout); see the stack's events` };
    }
    delay = Math.min(30000, Math.round(delay * 1.5));
  }
}

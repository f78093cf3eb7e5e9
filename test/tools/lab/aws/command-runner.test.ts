// The command runner (SendCommand batches, polling, timeout) and the backoff
// under it, against aws-sdk-client-mock with a fake clock.
import { CancelCommandCommand, GetCommandInvocationCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { batchTargets, HostCommandResult, sendCommandAndWait } from '../../../../tools/lab/aws/command-runner';
import { chunks, isThrottlingError, mapWithConcurrency, withBackoff } from '../../../../tools/lab/aws/retry';
import { awsError, fakeAws, fakeContext, restoreFakeAws } from '../fixtures';

afterEach(restoreFakeAws);

describe('withBackoff', () => {
  test('retries throttling with exponential, capped, jittered delays', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await withBackoff(async () => {
      calls += 1;
      if (calls <= 5) throw awsError(['ThrottlingException', 'TooManyUpdates', 'RequestLimitExceeded', 'Throttling', 'ThrottlingException'][calls - 1]);
      return 'done';
    }, { sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5, baseDelayMs: 1000, maxDelayMs: 6000, maxAttempts: 6 });
    expect(result).toBe('done');
    expect(sleeps).toEqual([500, 1000, 2000, 3000, 3000]);
  });

  test('throws other errors at once, and throttling after the last attempt', async () => {
    const sleep = jest.fn(async () => undefined);
    await expect(withBackoff(async () => { throw awsError('AccessDeniedException'); }, { sleep })).rejects.toThrow('AccessDeniedException');
    expect(sleep).not.toHaveBeenCalled();
    await expect(withBackoff(async () => { throw awsError('ThrottlingException', 'Rate exceeded'); }, { sleep, maxAttempts: 3 })).rejects.toThrow('Rate exceeded');
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  test('recognises throttling by name, HTTP 429 and the SDK retry hint', () => {
    expect(isThrottlingError(awsError('RequestLimitExceeded'))).toBe(true);
    expect(isThrottlingError(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isThrottlingError(Object.assign(new Error('x'), { $retryable: { throttling: true } }))).toBe(true);
    expect(isThrottlingError(awsError('InvalidInstanceId'))).toBe(false);
    expect(isThrottlingError('ThrottlingException')).toBe(false);
  });

  test('mapWithConcurrency keeps order and the limit', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return item * 10;
    });
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  test('chunks cuts a list into batches of the size, in order, the last one shorter', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([1, 2, 3, 4], 2)).toEqual([[1, 2], [3, 4]]);
    expect(chunks([], 200)).toEqual([]);
    expect(() => chunks([1], 0)).toThrow('at least 1');
  });
});

describe('sendCommandAndWait', () => {
  const targets = (count: number, parameters: Record<string, string> = {}) =>
    Array.from({ length: count }, (_, index) => ({ instanceId: `i-${String(index).padStart(3, '0')}`, parameters }));

  test('sends up to 50 instance ids per SendCommand, one group per set of parameter values', async () => {
    const aws = fakeAws();
    const results = await sendCommandAndWait(fakeContext(), { documentName: 'doc', targets: targets(120), timeoutSeconds: 60 });
    expect(aws.sent.map((command) => command.InstanceIds?.length)).toEqual([50, 50, 20]);
    expect(results.every((result) => result.outcome === 'Success')).toBe(true);
    expect(results.map((result) => result.instanceId)).toEqual(targets(120).map((target) => target.instanceId));

    expect(batchTargets([
      { instanceId: 'a', parameters: { HOSTS: '1,2' } },
      { instanceId: 'b', parameters: { HOSTS: '3,4' } },
      { instanceId: 'c', parameters: { HOSTS: '1,2' } },
    ])).toEqual([
      { instanceIds: ['a', 'c'], parameters: { HOSTS: '1,2' } },
      { instanceIds: ['b'], parameters: { HOSTS: '3,4' } },
    ]);
  });

  test('waits while the invocation does not exist yet or runs, and backs off when polls are throttled', async () => {
    let polls = 0;
    const aws = fakeAws({
      invocation: () => {
        polls += 1;
        if (polls === 1) return awsError('InvocationDoesNotExist');
        if (polls === 2) return awsError('ThrottlingException');
        if (polls <= 4) return { Status: polls === 3 ? 'Pending' : 'InProgress' };
        return { Status: 'Success', ResponseCode: 0, StandardOutputContent: 'PASS: fine\n' };
      },
    });
    const context = fakeContext();
    const finished: HostCommandResult[] = [];
    const [result] = await sendCommandAndWait(context, {
      documentName: 'doc',
      targets: targets(1),
      timeoutSeconds: 600,
      onHostFinished: (host) => finished.push(host),
    });
    expect(result).toMatchObject({ outcome: 'Success', exitCode: 0, stdout: 'PASS: fine\n', commandId: 'cmd-1', stdoutTruncated: false });
    expect(finished).toEqual([result]);
    expect(aws.ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(5);
    // Poll delays grow by half (2000, 3000, 4500, ...); the throttled poll added a backoff sleep of 500.
    expect(context.sleeps).toEqual([2000, 3000, 500, 4500, 6750]);
  });

  test('reports hosts still running at the deadline as TimedOut without sleeping past it', async () => {
    const aws = fakeAws({ invocation: (_, instanceId) => (instanceId === 'i-000' ? { Status: 'Success', ResponseCode: 0 } : { Status: 'InProgress' }) });
    const context = fakeContext();
    const stillWaiting: string[] = [];
    const results = await sendCommandAndWait(context, {
      documentName: 'doc',
      targets: targets(2),
      timeoutSeconds: 100,
      heartbeatMs: 30000,
      onStillWaiting: (waiting, total, seconds) => stillWaiting.push(`${waiting}/${total}@${seconds}`),
    });
    expect(results.map((result) => result.outcome)).toEqual(['Success', 'TimedOut']);
    expect(results[1]).toMatchObject({ commandId: 'cmd-1', exitCode: -1, detail: expect.stringContaining('no result after 100 s') });
    expect(context.clock.now).toBe(100000);
    expect(Math.max(...context.sleeps)).toBeLessThanOrEqual(15000);
    expect(stillWaiting.length).toBeGreaterThanOrEqual(2);
    expect(aws.sent).toHaveLength(1);
  });

  test('issue 11.9: --timeout cancels the commands it stops waiting for, only on the hosts still running', async () => {
    const aws = fakeAws({ invocation: (_, instanceId) => (instanceId === 'i-000' ? { Status: 'Success', ResponseCode: 0 } : { Status: 'InProgress' }) });
    aws.ssm.on(CancelCommandCommand).resolves({});
    const results = await sendCommandAndWait(fakeContext(), { documentName: 'doc', targets: targets(3), timeoutSeconds: 60 });
    expect(results.map((result) => result.outcome)).toEqual(['Success', 'TimedOut', 'TimedOut']);
    expect(aws.ssm.commandCalls(CancelCommandCommand).map((call) => call.args[0].input)).toEqual([{ CommandId: 'cmd-1', InstanceIds: ['i-001', 'i-002'] }]);
    expect(results[1].detail).toBe('no result after 60 s (--timeout); the lab command cancelled it (CancelCommand)');
  });

  test('issue 11.9: a CancelCommand that fails is said so; the results are still reported', async () => {
    const aws = fakeAws({ invocation: () => ({ Status: 'InProgress' }) });
    aws.ssm.on(CancelCommandCommand).rejects(awsError('InvalidCommandId', 'gone'));
    const [result] = await sendCommandAndWait(fakeContext(), { documentName: 'doc', targets: targets(1), timeoutSeconds: 30 });
    expect(result).toMatchObject({ outcome: 'TimedOut', commandId: 'cmd-1' });
    expect(result.detail).toBe('no result after 30 s (--timeout); could not cancel it (InvalidCommandId: gone): it may still be running');
  });

  test('issue 11.9: a host whose polls stay throttled is reported Unknown; the finished hosts\' results are reported, nothing is thrown', async () => {
    const aws = fakeAws({
      invocation: (_, instanceId) => (instanceId === 'i-001' ? awsError('ThrottlingException', 'Rate exceeded') : { Status: 'Success', ResponseCode: 0, StandardOutputContent: `PASS: ${instanceId}\n` }),
    });
    const finished: string[] = [];
    const results = await sendCommandAndWait(fakeContext(), {
      documentName: 'doc', targets: targets(3), timeoutSeconds: 600, onHostFinished: (result) => finished.push(`${result.instanceId} ${result.outcome}`),
    });
    expect(results.map((result) => [result.instanceId, result.outcome])).toEqual([['i-000', 'Success'], ['i-001', 'Unknown'], ['i-002', 'Success']]);
    expect(results[0].stdout).toBe('PASS: i-000\n');
    expect(results[1]).toMatchObject({ commandId: 'cmd-1', detail: expect.stringContaining('stayed throttled 3 rounds in a row') });
    expect(finished).toEqual(['i-000 Success', 'i-002 Success', 'i-001 Unknown']);
    // Each round's poll of i-001 went through the backoff's 6 attempts before it counted as throttled.
    expect(aws.ssm.commandCalls(GetCommandInvocationCommand, { InstanceId: 'i-001' })).toHaveLength(3 * 6);
    expect(aws.ssm.commandCalls(CancelCommandCommand)).toHaveLength(0);
  });

  test('maps SSM end states and marks output SSM cut', async () => {
    const states: Record<string, object> = {
      'i-000': { Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 1, StandardErrorContent: 'e'.repeat(8000) },
      'i-001': { Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: -1 },
      'i-002': { Status: 'Cancelled', StatusDetails: 'Cancelled' },
      'i-003': { Status: 'Success', ResponseCode: 0, StandardOutputContent: 'o'.repeat(23990) + '\n---Output truncated---' },
    };
    fakeAws({ invocation: (_, instanceId) => states[instanceId] });
    const results = await sendCommandAndWait(fakeContext(), { documentName: 'doc', targets: targets(4), timeoutSeconds: 60 });
    expect(results.map((result) => [result.outcome, result.detail, result.stdoutTruncated, result.stderrTruncated])).toEqual([
      ['Failed', undefined, false, true],
      ['TimedOut', 'ExecutionTimedOut', false, false],
      ['Cancelled', undefined, false, false],
      ['Success', undefined, true, false],
    ]);
  });

  test('a batch SendCommand refuses is Undeliverable; the other batches still run', async () => {
    const aws = fakeAws();
    aws.ssm.on(SendCommandCommand, { Parameters: { HOSTS: ['bad'] } }).rejects(awsError('InvalidInstanceId', 'Instances not in a valid state'));
    const results = await sendCommandAndWait(fakeContext(), {
      documentName: 'doc',
      targets: [{ instanceId: 'i-a', parameters: { HOSTS: 'bad' } }, { instanceId: 'i-b', parameters: { HOSTS: 'good' } }],
      timeoutSeconds: 60,
    });
    expect(results.map((result) => `${result.instanceId} ${result.outcome}`)).toEqual(['i-a Undeliverable', 'i-b Success']);
    expect(results[0].detail).toBe('SendCommand refused: InvalidInstanceId: Instances not in a valid state');
  });
});

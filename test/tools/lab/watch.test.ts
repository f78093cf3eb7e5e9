// lab check --watch against a fake AWS account on a fake clock: rounds, one at
// a time, the frame's content, throttling, and stopping with Ctrl-C.
import { spawn } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCommandInvocationCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { nextWait } from '../../../tools/lab/watch';
import { REPOSITORY } from '../../fixtures/cdk';
import { awsError, DEFAULT_HOSTS, fakeAws, FakeHost, instanceOf, InvocationScript, restoreFakeAws, runLab, runWatch } from './fixtures';

afterEach(restoreFakeAws);

/** alice's and bob's hosts expire at 05:00 and 00:20 on the fake clock (which starts at 00:00 UTC). */
const HOSTS: FakeHost[] = DEFAULT_HOSTS.map((host) => ({ ...host, expiresAt: host.attendee === 'alice' ? '1970-01-01T05:00:00Z' : '1970-01-01T00:20:00Z' }));

/** bob's multi-host check fails; everything else passes. */
const BOB_FAILS_STEP_6: InvocationScript = (_, instanceId, documentName) => instanceId === 'i-bob-multi2' && documentName.endsWith('06-across-hosts-check')
  ? { Status: 'Failed', ResponseCode: 1, StandardOutputContent: 'FAIL: no tunnel port to 10.0.2.11 on br-tun\n' }
  : { Status: 'Success', ResponseCode: 0, StandardOutputContent: 'READY since 1970-01-01T00:00:00Z\n' };

describe('lab check --watch', () => {
  test('redraws the grid each interval with readiness, time left, counts per step and the FAIL reasons, until Ctrl-C', async () => {
    const aws = fakeAws({ hosts: HOSTS, invocation: BOB_FAILS_STEP_6 });
    const { code, frames } = await runWatch(aws, ['--interval', '30'], 3);
    expect(code).toBe(1);
    expect(frames).toHaveLength(4);
    expect(frames[0]).toContain('lab check --watch: workshop container-networks, a round every 30 s (Ctrl-C to stop)');
    expect(frames[0]).toMatch(/round 1 at 00:00:00 UTC: done in \d+ s/);
    expect(frames[0]).toContain([
      'ATTENDEE    READY  TIME LEFT  01    06',
      'alice       3/3    5h 00m     PASS  PASS',
      'bob         3/3    20m (!)    PASS  FAIL',
      'passed                        2     1',
      'not passed                    0     1',
    ].join('\n'));
    expect(frames[0]).toContain('FAIL reasons of round 1:\n  bob  06-across-hosts  FAIL     multi#2: FAIL: no tunnel port to 10.0.2.11 on br-tun');
    expect(frames[1]).toMatch(/round 2 at 00:00:30 UTC/);
    expect(frames[2]).toMatch(/round 3 at 00:01:00 UTC/);
    expect(frames[3]).toBe('watch stopped after 3 round(s); the last complete round started 1970-01-01T01:00:00.000Z'.replace('01:00:00', '00:01:00') + '\n');
  });

  test('on a terminal each frame clears the screen, and a line says while a round runs', async () => {
    const aws = fakeAws({ hosts: HOSTS });
    const { frames } = await runWatch(aws, ['--interval', '30'], 3, { interactive: true });
    expect(frames[0]).toBe('\x1b[H\x1b[2Jlab check --watch: workshop container-networks: round 1 running since 00:00:00 UTC ...');
    expect(frames[1]).toMatch(/^\x1b\[H\x1b\[2Jlab check --watch: workshop container-networks, a round every 30 s \(Ctrl-C to stop\)\nround 1 at 00:00:00 UTC: done/);
    expect(frames[2]).toBe('\nround 2 running since 00:00:30 UTC ...');
  });

  test('one round at a time, and the readiness command goes only to hosts not yet found READY', async () => {
    const aws = fakeAws({ hosts: HOSTS });
    await runWatch(aws, ['--interval', '30'], 3);
    const sent = aws.sent.map((command) => command.DocumentName);
    // Round 1: readiness to all 6 hosts, step 1 (one command), step 6 (one per attendee); rounds 2 and 3: the checks only.
    expect(sent).toEqual([
      'AWS-RunShellScript', 'container-networks-01-docker-on-the-host-check', 'container-networks-06-across-hosts-check', 'container-networks-06-across-hosts-check',
      'container-networks-01-docker-on-the-host-check', 'container-networks-06-across-hosts-check', 'container-networks-06-across-hosts-check',
      'container-networks-01-docker-on-the-host-check', 'container-networks-06-across-hosts-check', 'container-networks-06-across-hosts-check',
    ]);
    expect(aws.sent[0].InstanceIds).toHaveLength(6);
  });

  test('a round whose calls stay throttled keeps the previous grid, says THROTTLED and waits twice as long', async () => {
    const aws = fakeAws({ hosts: HOSTS });
    // The second round's DescribeInstances is throttled on each of its 6 attempts (the lab command's backoff gives up).
    let calls = 0;
    aws.ec2.on(DescribeInstancesCommand).callsFake(() => {
      calls += 1;
      if (calls >= 2 && calls <= 7) {
        throw awsError('RequestLimitExceeded', 'Request limit exceeded.');
      }
      return { Reservations: [{ Instances: HOSTS.map(instanceOf) }] };
    });
    const { frames } = await runWatch(aws, ['--interval', '30'], 3);
    expect(frames[1]).toMatch(/round 2 at 00:00:30 UTC: THROTTLED after \d+ s: AWS kept asking to slow down \(RequestLimitExceeded: Request limit exceeded\.\); waiting longer before the next round; the grid below is round 1's/);
    expect(frames[1]).toContain('alice       3/3');
    expect(frames[1]).toMatch(/next round at 00:01:(3\d|4\d) UTC/);
    expect(frames[2]).toMatch(/round 3 at 00:01:(3\d|4\d) UTC: done/);
  });

  test('throttled calls that succeed on a retry are counted in the round\'s line', async () => {
    const aws = fakeAws({ hosts: HOSTS });
    aws.ssm.on(SendCommandCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).resolves({ Command: { CommandId: 'cmd-x' } });
    const { frames } = await runWatch(aws, [], 1);
    expect(frames[0]).toMatch(/round 1 at 00:00:00 UTC: done in \d+ s; THROTTLED: AWS asked to slow down, 1 call\(s\) retried after a pause/);
  });

  test('Ctrl-C inside a round stops at once: no more commands are sent', async () => {
    let interrupt: (() => void) | undefined;
    const aws = fakeAws({ hosts: HOSTS });
    aws.ssm.on(GetCommandInvocationCommand).callsFake(() => {
      interrupt?.();
      return { Status: 'InProgress' };
    });
    const written: string[] = [];
    const { code } = await runLab(aws, ['check', '--watch'], { onInterrupt: (handler) => { interrupt = handler; }, stdout: (text) => written.push(text) });
    expect(code).toBe(1);
    expect(aws.ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
    expect(written).toEqual(['watch stopped after 1 round(s)\n']);
  });

  test.each([
    [['check', '--interval', '30'], '--interval goes with --watch'],
    [['check', '--watch', '--json'], '--watch redraws a grid for people; --json prints one round for programs'],
    [['check', '--watch', '--interval', '5'], 'Invalid --interval "5": allowed a whole number of seconds from 10 to 3600.'],
    [['hosts', '--watch'], 'lab hosts does not take --watch'],
  ])('%j is refused before anything is sent (exit 2)', async (args, message) => {
    const aws = fakeAws();
    const { code, stderr } = await runLab(aws, args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(aws.sent).toHaveLength(0);
  });

  test('the wait: the interval less the round, at least 5 s; doubled per throttled round, at most 10 minutes', () => {
    expect(nextWait(60, 14.2, 0)).toBe(46);
    expect(nextWait(60, 90, 0)).toBe(5);
    expect(nextWait(60, 10, 1)).toBe(120);
    expect(nextWait(60, 10, 2)).toBe(240);
    expect(nextWait(300, 10, 3)).toBe(600);
  });
});

describe('lab check --watch, the real command', () => {
  test('Ctrl-C (SIGINT) ends it at once even while a call hangs on an endpoint that never answers', async () => {
    // A loopback server that accepts connections and never answers.
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => { sockets.push(socket); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const child = spawn(process.execPath, [path.join(REPOSITORY, 'bin', 'lab.js'), 'check', '--watch'], {
        cwd: REPOSITORY,
        env: { ...process.env, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Wait until the command has connected (the first round's DescribeInstances hangs), then press Ctrl-C.
      const deadline = Date.now() + 20000;
      while (sockets.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(sockets.length).toBeGreaterThan(0);
      const interruptedAt = Date.now();
      child.kill('SIGINT');
      const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 5000))]);
      if (code === 'hung') {
        child.kill('SIGKILL');
      }
      expect(code).toBe(1);
      expect(Date.now() - interruptedAt).toBeLessThan(5000);
      expect(stdout).toBe('watch stopped after 1 round(s)\n');
    } finally {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    }
  });
});

// The lab command end to end against a fake AWS account (aws-sdk-client-mock):
// what is sent where, what is printed, and the exit codes.
import { SendCommandCommand } from '@aws-sdk/client-ssm';
import { awsError, DEFAULT_HOSTS, fakeAws, InvocationScript, restoreFakeAws, runLab } from './fixtures';

afterEach(restoreFakeAws);

describe('lab run', () => {
  test('runs a single-host step on the attendee\'s single host and prints its output', async () => {
    const aws = fakeAws();
    const { code, stdout, stderr } = await runLab(aws, ['run', '1', '--attendee', 'alice']);
    expect(code).toBe(0);
    expect(aws.sent).toHaveLength(1);
    expect(aws.sent[0]).toMatchObject({ DocumentName: 'container-networks-01-docker-on-the-host-run', InstanceIds: ['i-alice-single'] });
    expect(stdout).toContain('=== alice single#1 (i-alice-single) 10.0.1.10: Success (exit 0)');
    expect(stdout).toContain('ok i-alice-single');
    expect(stdout).toContain('1 of 1 hosts succeeded');
    expect(stderr).toContain('[1/1] alice single#1 (i-alice-single) Success');
  });

  test.each(['6', '06', '06-across-hosts'])('step %s resolves to 06-across-hosts', async (step) => {
    const aws = fakeAws();
    const { code } = await runLab(aws, ['reset', step, '--attendee', 'bob']);
    expect(code).toBe(0);
    expect(aws.sent[0].DocumentName).toBe('container-networks-06-across-hosts-reset');
  });

  test('a multi-host step goes to the multi hosts with HOSTS in host-index order, one command per attendee', async () => {
    const aws = fakeAws();
    const { code } = await runLab(aws, ['run', '06', '--all', '--param', 'TUNNEL_TYPE=vxlan']);
    expect(code).toBe(0);
    expect(aws.sent.map(({ InstanceIds, Parameters }) => ({ InstanceIds, Parameters }))).toEqual([
      { InstanceIds: ['i-alice-multi1', 'i-alice-multi2'], Parameters: { TUNNEL_TYPE: ['vxlan'], HOSTS: ['10.0.1.11,10.0.1.12'] } },
      { InstanceIds: ['i-bob-multi1', 'i-bob-multi2'], Parameters: { TUNNEL_TYPE: ['vxlan'], HOSTS: ['10.0.2.11,10.0.2.12'] } },
    ]);
  });

  test('routing follows the documents\' cnlab:hosts tag: a multi step without parameters still goes to the multi hosts with HOSTS', async () => {
    const aws = fakeAws({ steps: [{ stepId: '02-no-parameters', hosts: 'multi' }] });
    const { code } = await runLab(aws, ['run', '2', '--attendee', 'alice']);
    expect(code).toBe(0);
    expect(aws.sent.map(({ InstanceIds, Parameters }) => ({ InstanceIds, Parameters }))).toEqual([
      { InstanceIds: ['i-alice-multi1', 'i-alice-multi2'], Parameters: { HOSTS: ['10.0.1.11,10.0.1.12'] } },
    ]);
  });

  test('a step whose documents lack the cnlab:hosts tag is refused before anything is sent, exit 2', async () => {
    const aws = fakeAws({ steps: [{ stepId: '01-docker-on-the-host' }] });
    const { code, stderr } = await runLab(aws, ['run', '1', '--all']);
    expect(code).toBe(2);
    expect(aws.sent).toHaveLength(0);
    expect(stderr).toContain('Step 01-docker-on-the-host: its documents have no valid cnlab:hosts tag');
  });

  test('a failed host makes the exit code 1 and is listed with its FAIL line', async () => {
    const aws = fakeAws({
      invocation: (_, instanceId) => instanceId === 'i-bob-single'
        ? { Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 1, StandardOutputContent: '$ docker run ...\nFAIL: no docker0 bridge; run step 1 again\n', StandardErrorContent: 'boom\n' }
        : { Status: 'Success', ResponseCode: 0, StandardOutputContent: 'fine\n' },
    });
    const { code, stdout } = await runLab(aws, ['run', '1', '--all']);
    expect(code).toBe(1);
    expect(stdout).toContain('--- stderr ---\nboom');
    expect(stdout).toContain('1 of 2 hosts succeeded');
    expect(stdout).toContain('Failed on 1 host(s) of 1 attendee(s):\n  bob single#1 (i-bob-single): Failed - FAIL: no docker0 bridge; run step 1 again');
  });

  test('an offline host is reported and not sent to; its multi-host siblings are skipped', async () => {
    const hosts = DEFAULT_HOSTS.map((host) => host.instanceId === 'i-bob-multi2' || host.instanceId === 'i-bob-single' ? { ...host, pingStatus: 'ConnectionLost' } : host);
    const aws = fakeAws({ hosts });
    const single = await runLab(aws, ['run', '1', '--all']);
    expect(single.code).toBe(1);
    expect(aws.sent.flatMap((command) => command.InstanceIds)).toEqual(['i-alice-single']);
    expect(single.stdout).toContain('bob single#1 (i-bob-single): Offline - not sent: agent ConnectionLost, instance stopped');

    const multi = await runLab(aws, ['run', '6', '--all']);
    expect(multi.code).toBe(1);
    expect(aws.sent.slice(1).flatMap((command) => command.InstanceIds)).toEqual(['i-alice-multi1', 'i-alice-multi2']);
    expect(multi.stdout).toContain('bob multi#2 (i-bob-multi2): Offline');
    expect(multi.stdout).toContain('bob multi#1 (i-bob-multi1): Skipped - not sent: multi#2 offline, and the step needs every host');
  });

  test('a command that never finishes is reported TimedOut after --timeout', async () => {
    const aws = fakeAws({ invocation: () => ({ Status: 'InProgress' }) });
    const started = Date.now();
    const { code, stdout } = await runLab(aws, ['run', '1', '--attendee', 'alice', '--timeout', '30']);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(code).toBe(1);
    expect(stdout).toMatch(/alice single#1 \(i-alice-single\): TimedOut - no result after 30 s \(--timeout\); the command may still be running/);
    expect(stdout).toContain('command cmd-1');
  });

  test('throttled calls are retried with backoff, then succeed', async () => {
    const aws = fakeAws();
    aws.ssm.on(SendCommandCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .rejectsOnce(awsError('TooManyUpdates'))
      .resolves({ Command: { CommandId: 'cmd-after-throttling' } });
    const { code, stderr } = await runLab(aws, ['run', '1', '--attendee', 'alice']);
    expect(code).toBe(0);
    expect(aws.ssm.commandCalls(SendCommandCommand)).toHaveLength(3);
    expect(stderr).toContain('Success');
  });

  test('an unknown step is exit 2 and names the steps there are; nothing is sent', async () => {
    const aws = fakeAws();
    const { code, stderr } = await runLab(aws, ['run', '7', '--all']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown step "7"; allowed: 01-docker-on-the-host, 06-across-hosts (the number, e.g. 1, or the full id)');
    expect(aws.sent).toHaveLength(0);
    expect((await runLab(aws, ['run', 'six', '--all'])).code).toBe(2);
  });

  test('an unknown attendee is exit 2 and names the attendees there are; nothing is sent', async () => {
    const aws = fakeAws();
    const { code, stderr } = await runLab(aws, ['run', '1', '--attendee', 'carol']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown attendee "carol" in workshop "container-networks": attendees with lab hosts are alice, bob.');
    expect(aws.sent).toHaveLength(0);
    expect((await runLab(aws, ['run', '1', '--attendee', 'Not Valid'])).stderr).toContain('Invalid attendee name');
  });

  test.each([
    [['--param', 'TUNNEL_TYPE=ipip'], 'Bad --param TUNNEL_TYPE="ipip": the value must match ^(gre|vxlan|geneve)$'],
    [['--param', 'MTU=1400'], 'Unknown --param "MTU" for container-networks-06-across-hosts-run; allowed: TUNNEL_TYPE (default gre)'],
    [['--param', 'TUNNEL_TYPE'], 'Bad --param "TUNNEL_TYPE": write NAME=VALUE'],
    [['--param', 'HOSTS=1.2.3.4'], 'Bad --param HOSTS: the lab command fills it from the hosts\' tags'],
  ])('bad parameter %j is exit 2', async (args, message) => {
    const aws = fakeAws();
    const { code, stderr } = await runLab(aws, ['run', '6', '--all', ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(aws.sent).toHaveLength(0);
  });

  test.each([
    [['run', '1'], 'say whose, with --attendee NAME or --all'],
    [['run', '--all'], 'lab run needs a STEP'],
    [['run', '1', '--all', '--attendee', 'alice'], 'either --attendee NAME or --all'],
    [['run', '1', '--all', '--timeout', '0'], 'Invalid --timeout "0"'],
    [['run', '1', '--all', '--fast'], 'lab run does not take --fast'],
    [['run', '1', '--all', '--colour'], "Unknown option '--colour'"],
    [['launch'], 'Unknown command "launch"'],
    [['hosts', '--workshop', 'Bad_Name'], 'Invalid workshop name "Bad_Name"'],
  ])('invalid command line %j is exit 2', async (args, message) => {
    const aws = fakeAws();
    const { code, stderr } = await runLab(aws, args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  test('a workshop with no hosts names the workshops that have some', async () => {
    const aws = fakeAws();
    const { code, stderr } = await runLab(aws, ['run', '1', '--all', '--workshop', 'spring-lab']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown step');
    const hosts = await runLab(aws, ['hosts', '--workshop', 'spring-lab']);
    expect(hosts.code).toBe(2);
    expect(hosts.stderr).toContain('No lab hosts tagged workshop=spring-lab');
    expect(hosts.stderr).toContain('Workshops with lab hosts there: container-networks');
  });

  test('AWS errors other than throttling are exit 3', async () => {
    const aws = fakeAws();
    aws.ssm.on(SendCommandCommand).rejects(awsError('AccessDeniedException', 'not allowed to ssm:SendCommand'));
    const { code, stderr } = await runLab(aws, ['run', '1', '--all']);
    expect(code).toBe(3);
    expect(stderr).toContain('lab: AWS error: AccessDeniedException: not allowed to ssm:SendCommand');
  });

  test('output cut by SSM is marked as cut', async () => {
    const aws = fakeAws({ invocation: () => ({ Status: 'Success', ResponseCode: 0, StandardOutputContent: 'x'.repeat(24000) }) });
    const { stdout } = await runLab(aws, ['run', '1', '--attendee', 'alice']);
    expect(stdout).toContain('[output cut by SSM at 24,000 characters');
  });
});

describe('lab check', () => {
  const failBobStep6: InvocationScript = (_, instanceId, documentName) =>
    documentName.includes('06-across-hosts') && instanceId === 'i-bob-multi2'
      ? { Status: 'Failed', ResponseCode: 1, StandardOutputContent: 'looking at gre0\nFAIL: no tunnel port to 10.0.2.11 on br-tun; run step 6 again\n' }
      : { Status: 'Success', ResponseCode: 0, StandardOutputContent: 'PASS: all good\n' };

  test('prints an attendee x step grid with the FAIL reason, exit 1', async () => {
    const aws = fakeAws({ invocation: failBobStep6 });
    const { code, stdout, stderr } = await runLab(aws, ['check']);
    expect(code).toBe(1);
    expect(stdout).toContain([
      'ATTENDEE  01    06',
      'alice     PASS  PASS',
      'bob       PASS  FAIL',
    ].join('\n'));
    expect(stdout).toContain('bob  06-across-hosts  FAIL     multi#2: FAIL: no tunnel port to 10.0.2.11 on br-tun; run step 6 again');
    expect(stdout).toContain('3 of 4 checks passed; attendees with failures: bob');
    expect(stderr).toContain('check 06-across-hosts: 1 PASS, 1 FAIL');
    expect(aws.sent.map((command) => command.DocumentName)).toEqual([
      'container-networks-01-docker-on-the-host-check',
      'container-networks-06-across-hosts-check',
      'container-networks-06-across-hosts-check',
    ]);
  });

  test('all passing is exit 0', async () => {
    const aws = fakeAws();
    const { code } = await runLab(aws, ['check', '1', '--attendee', 'alice']);
    expect(code).toBe(0);
  });

  test('--json gives the grid, per-host results and a summary', async () => {
    const aws = fakeAws({ invocation: failBobStep6 });
    const { code, stdout } = await runLab(aws, ['check', '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['workshop', 'ok', 'steps', 'attendees', 'grid', 'results', 'summary', 'warnings']);
    expect(report).toMatchObject({
      workshop: 'container-networks',
      ok: false,
      steps: ['01-docker-on-the-host', '06-across-hosts'],
      attendees: ['alice', 'bob'],
      grid: {
        alice: { '01-docker-on-the-host': 'PASS', '06-across-hosts': 'PASS' },
        bob: { '01-docker-on-the-host': 'PASS', '06-across-hosts': 'FAIL' },
      },
      summary: { pass: 3, fail: 1, offline: 0, timeout: 0, notApplicable: 0 },
      warnings: [],
    });
    const bob6 = report.results.find((result: { attendee: string; step: string }) => result.attendee === 'bob' && result.step === '06-across-hosts');
    expect(bob6).toEqual({
      attendee: 'bob',
      step: '06-across-hosts',
      verdict: 'FAIL',
      reason: 'multi#2: FAIL: no tunnel port to 10.0.2.11 on br-tun; run step 6 again',
      hosts: [
        { instanceId: 'i-bob-multi1', topology: 'multi', hostIndex: 1, outcome: 'Success', exitCode: 0, commandId: 'cmd-3' },
        { instanceId: 'i-bob-multi2', topology: 'multi', hostIndex: 2, outcome: 'Failed', exitCode: 1, commandId: 'cmd-3' },
      ],
    });
  });

  test('offline and timed-out hosts show as OFFLINE and TIMEOUT', async () => {
    const hosts = DEFAULT_HOSTS.map((host) => host.instanceId === 'i-bob-single' ? { ...host, pingStatus: 'Inactive' } : host);
    const aws = fakeAws({ hosts, invocation: (_, instanceId) => instanceId === 'i-alice-single' ? { Status: 'Pending' } : { Status: 'Success', ResponseCode: 0 } });
    const { code, stdout } = await runLab(aws, ['check', '01', '--json', '--timeout', '20']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.grid).toEqual({ alice: { '01-docker-on-the-host': 'TIMEOUT' }, bob: { '01-docker-on-the-host': 'OFFLINE' } });
    expect(report.summary).toMatchObject({ timeout: 1, offline: 1 });
  });

  test('an attendee without multi hosts gets N/A for multi-host steps, not a failure', async () => {
    const aws = fakeAws({ hosts: DEFAULT_HOSTS.filter((host) => !(host.attendee === 'bob' && host.topology === 'multi')) });
    const { code, stdout } = await runLab(aws, ['check']);
    expect(code).toBe(0);
    expect(stdout).toContain('bob       PASS  N/A');
    expect(stdout).toContain('3 of 3 checks passed; 1 N/A (no host of that topology)');
  });
});

describe('lab hosts', () => {
  test('lists hosts in attendee, topology, index order with readiness', async () => {
    const hosts = DEFAULT_HOSTS.map((host) => host.instanceId === 'i-bob-multi1' ? { ...host, pingStatus: 'ConnectionLost' } : host);
    const aws = fakeAws({
      hosts,
      invocation: (_, instanceId) => instanceId === 'i-bob-single'
        ? { Status: 'Failed', ResponseCode: 1, StandardOutputContent: 'NOT READY: provisioning failed at open-vswitch install\n' }
        : { Status: 'Success', ResponseCode: 0, StandardOutputContent: 'READY since 2026-11-27T20:00:00Z\n' },
    });
    const { code, stdout } = await runLab(aws, ['hosts']);
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ATTENDEE\s+TOPOLOGY\s+INDEX\s+INSTANCE\s+PRIVATE IP\s+AGENT\s+READINESS\s+DETAIL$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 7).join(' '))).toEqual([
      'alice single 1 i-alice-single 10.0.1.10 Online READY',
      'alice multi 1 i-alice-multi1 10.0.1.11 Online READY',
      'alice multi 2 i-alice-multi2 10.0.1.12 Online READY',
      'bob single 1 i-bob-single 10.0.2.10 Online NOT',
      'bob multi 1 i-bob-multi1 10.0.2.11 ConnectionLost OFFLINE',
      'bob multi 2 i-bob-multi2 10.0.2.12 Online READY',
    ]);
    expect(stdout).toContain('NOT READY  NOT READY: provisioning failed at open-vswitch install');
    expect(aws.sent).toEqual([expect.objectContaining({ DocumentName: 'AWS-RunShellScript' })]);
    expect(aws.sent[0].InstanceIds).not.toContain('i-bob-multi1');
    expect(aws.sent[0].Parameters?.commands[0]).toContain('test -f /var/lib/container-networks/ready');
  });

  test('--fast asks only the agents; --attendee narrows; --json', async () => {
    const aws = fakeAws();
    const { code, stdout } = await runLab(aws, ['hosts', '--fast', '--attendee', 'bob', '--json']);
    expect(code).toBe(0);
    expect(aws.sent).toHaveLength(0);
    const report = JSON.parse(stdout);
    expect(report.hosts.map((host: { instanceId: string; readiness: string }) => `${host.instanceId} ${host.readiness}`)).toEqual([
      'i-bob-single ONLINE', 'i-bob-multi1 ONLINE', 'i-bob-multi2 ONLINE',
    ]);
  });
});

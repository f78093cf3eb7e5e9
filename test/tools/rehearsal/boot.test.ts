import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { filledUserData, isoDurationSeconds, resolveTemplateText, stackNameOf, templateHosts } from '../../../tools/rehearsal/boot';
import {
  BootedMachine, BROKEN_ON_PURPOSE, breakFirstComponent, failureSignalProblem, labImagesOfAll, outageRetries, problemOnError, provisionPhases,
} from '../../../tools/rehearsal/fleet';
import { readTemplateResources } from '../../../tools/rehearsal/documents';
import { hostsToBoot } from '../../../tools/rehearsal/rehearsal';
import { rehearsalPassed, renderRehearsalSummary } from '../../../tools/rehearsal/summary';
import { machineAddress, machineName, selectVariants } from '../../../tools/rehearsal/variants';
import { notRehearsedLines } from '../../../tools/rehearsal/verdict';

const pseudo = { stackName: 'lab-alice', region: 'eu-west-1' };

function instance(topology: string, index: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Type: 'AWS::EC2::Instance',
    Properties: {
      Tags: [{ Key: 'cnlab:topology', Value: topology }, { Key: 'cnlab:host-index', Value: index }],
      UserData: { 'Fn::Base64': { 'Fn::Join': ['', ["STACK='", { Ref: 'AWS::StackName' }, "' REGION='", { Ref: 'AWS::Region' }, `' ID=${topology}${index}`]] } },
    },
    ...extra,
  };
}

/** A cloud assembly folder with one attendee template and its manifest. */
function assembly(resources: Record<string, unknown>): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-boot-'));
  fs.writeFileSync(path.join(folder, 'lab-alice.template.json'), JSON.stringify({ Resources: resources }));
  fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify({
    artifacts: { 'lab-alice': { type: 'aws:cloudformation:stack', properties: { templateFile: 'lab-alice.template.json', stackName: 'lab-alice' } } },
  }));
  return path.join(folder, 'lab-alice.template.json');
}

describe('reading the lab hosts of a template', () => {
  test('instances with topology and index tags, single before multi, by index, with their creation policy timeout', () => {
    const file = assembly({
      Second: instance('multi', '2', { CreationPolicy: { ResourceSignal: { Count: 1, Timeout: 'PT30M' } } }),
      First: instance('multi', '1'),
      Single: instance('single', '1', { CreationPolicy: { ResourceSignal: { Count: 1, Timeout: 'PT1H5M30S' } } }),
      Untagged: { Type: 'AWS::EC2::Instance', Properties: {} },
      Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
    });
    const hosts = templateHosts([file]);
    expect(hosts.map((host) => `${host.logicalId}:${host.topology}${host.hostIndex}:${host.readinessTimeoutSeconds}`))
      .toEqual(['Single:single1:3930', 'First:multi1:900', 'Second:multi2:1800']);
    expect(hosts[0].stackName).toBe('lab-alice');
  });

  test('only the hosts of the topologies the selected steps run on boot, of one stack', () => {
    const file = assembly({ Second: instance('multi', '2'), First: instance('multi', '1'), Single: instance('single', '1') });
    const hosts = templateHosts([file]);
    const names = (steps: Array<{ topology?: 'single' | 'multi' }>): string[] => hostsToBoot(hosts, steps).map((host) => host.logicalId);
    expect(names([{ topology: 'single' }])).toEqual(['Single']);
    expect(names([{ topology: 'multi' }])).toEqual(['First', 'Second']);
    expect(names([{ topology: 'single' }, { topology: 'multi' }])).toEqual(['Single', 'First', 'Second']);
    expect(names([{}])).toEqual(['Single', 'First', 'Second']); // no step can run: boot them all anyway
    expect(() => hostsToBoot([], [{ topology: 'single' }])).toThrow(/nothing to boot/);
    expect(hostsToBoot(hosts, [{ topology: 'single' }])[0].userData).toBe("STACK='lab-alice' REGION='us-east-1' ID=single1");
  });

  test('the stack name comes from the manifest, else from the file name', () => {
    const file = assembly({});
    expect(stackNameOf(file)).toBe('lab-alice');
    fs.rmSync(path.join(path.dirname(file), 'manifest.json'));
    expect(stackNameOf(file)).toBe('lab-alice');
  });

  test('ISO durations of creation policies', () => {
    expect(isoDurationSeconds('PT15M')).toBe(900);
    expect(isoDurationSeconds('PT2H')).toBe(7200);
    expect(() => isoDurationSeconds('15 minutes')).toThrow(/not an ISO 8601 duration/);
    expect(() => isoDurationSeconds('PT')).toThrow(/not an ISO 8601 duration/);
  });
});

describe('the user data EC2 would give a host', () => {
  test('pseudo parameters are filled in; Fn::Base64 and Fn::Join are resolved', () => {
    const file = assembly({ Single: instance('single', '1') });
    const [host] = templateHosts([file]);
    expect(filledUserData(host, readTemplateResources(file), 'eu-west-1')).toBe("STACK='lab-alice' REGION='eu-west-1' ID=single1");
  });

  test('a Ref to a wait condition handle becomes a URL the cfn-signal stand-in records', () => {
    const file = assembly({
      Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
      Single: instance('single', '1', { Properties: { Tags: [{ Key: 'cnlab:topology', Value: 'single' }, { Key: 'cnlab:host-index', Value: '1' }],
        UserData: { 'Fn::Base64': { 'Fn::Join': ['', ["WAIT_HANDLE='", { Ref: 'Handle' }, "'"]] } } } }),
    });
    const [host] = templateHosts([file]);
    expect(filledUserData(host, readTemplateResources(file))).toBe("WAIT_HANDLE='https://rehearsal.invalid/wait-condition/lab-alice/Handle'");
  });

  test('anything only a deploy can know is an error that names it', () => {
    expect(resolveTemplateText({ 'Fn::Join': ['', ['a', { Ref: 'AWS::Partition' }]] }, pseudo, 'x')).toBe('aaws');
    expect(() => resolveTemplateText({ 'Fn::GetAtt': ['Thing', 'Arn'] }, pseudo, 'Host UserData')).toThrow(/Host UserData: .*Fn::GetAtt.*cannot be resolved before a deploy/);
    expect(() => resolveTemplateText({ Ref: 'SomeParameter' }, pseudo, 'x')).toThrow(/SomeParameter/);
  });
});

describe('the failure path', () => {
  const template = (): { Resources: Record<string, { Metadata?: Record<string, unknown> }> } => ({
    Resources: {
      Files: {
        Metadata: {
          'AWS::CloudFormation::Init': {
            configSets: { default: ['config'] },
            config: {
              files: {
                '/opt/container-networks/components/order': { content: '# install order\nlab-tools\ndocker-engine\n' },
                '/opt/container-networks/components/lab-tools.sh': { content: 'apt-get install ...' },
                '/opt/container-networks/components/docker-engine.sh': { content: 'apt-get install docker.io' },
              },
            },
          },
        },
      },
    },
  });

  test('breaks the first component of components/order, and only it', () => {
    const broken = template();
    expect(breakFirstComponent(broken)).toBe('lab-tools');
    const files = (broken.Resources.Files.Metadata?.['AWS::CloudFormation::Init'] as { config: { files: Record<string, { content: string }> } }).config.files;
    expect(files['/opt/container-networks/components/lab-tools.sh'].content).toMatch(/exit 3/);
    expect(files['/opt/container-networks/components/docker-engine.sh'].content).toBe('apt-get install docker.io');
  });

  test('a template without a component order cannot be broken', () => {
    expect(() => breakFirstComponent({ Resources: {} })).toThrow(/No components\/order/);
  });
});

describe('provisioning phases and variants', () => {
  test('the phase lines of provision.sh; DEGRADED ones say so', () => {
    const log = '[provision] lab-tools install: start\n[provision] lab-tools install: OK (8 s)\nnoise\n[provision] open-vswitch check: OK (0 s)\n'
      + '[provision] pipework install: DEGRADED (11 s): its download from GitHub failed 1 time(s)\n[provision] pipework check: FAILED (exit 1 after 7 s)\n';
    expect(provisionPhases(log)).toEqual([{ phase: 'lab-tools install', seconds: 8 }, { phase: 'open-vswitch check', seconds: 0 },
      { phase: 'pipework install', seconds: 11, degraded: true }]);
  });

  test('a degraded phase that printed NOT REHEARSED lines (pipework on a rehearsal machine) is a DEGRADED phase', () => {
    const log = '[provision] pipework install: DEGRADED, with 1 part(s) NOT REHEARSED (above) (4 s): its download from GitHub failed 1 time(s) (URL)\n'
      + '[provision] pipework check: DEGRADED, with 1 part(s) NOT REHEARSED (above) (2 s): its download from GitHub failed 1 time(s) (URL)\n'
      + '[provision] lab-tools install: done (3 s)\n';
    expect(provisionPhases(log)).toEqual([{ phase: 'pipework install', seconds: 4, degraded: true }, { phase: 'pipework check', seconds: 2, degraded: true }]);
  });

  test('a phase that printed NOT REHEARSED lines is a phase too, and its lines are picked out', () => {
    const log = [
      '[provision] pipework install: start',
      'NOT REHEARSED: pipework download: curl https://raw.githubusercontent.com/jpetazzo/pipework/9ba97f1/pipework (GitHub is unreachable from this machine)',
      '[provision] pipework install: done, with 1 part(s) NOT REHEARSED (above) (7 s)',
      '[provision] pipework check: done, with 1 part(s) NOT REHEARSED (above) (1 s)',
    ].join('\n');
    expect(provisionPhases(log)).toEqual([{ phase: 'pipework install', seconds: 7 }, { phase: 'pipework check', seconds: 1 }]);
    expect([...new Set(notRehearsedLines(`${log}\n${log}`))]).toEqual([ // the distinct lines, as bootMachine keeps them
      'NOT REHEARSED: pipework download: curl https://raw.githubusercontent.com/jpetazzo/pipework/9ba97f1/pipework (GitHub is unreachable from this machine)',
    ]);
  });

  test('the lab images the peers build, from their user data', () => {
    expect([...labImagesOfAll(["#!/bin/bash\nLAB_IMAGES='client hello'       # comment\n", "LAB_IMAGES='hello'\n"]) ?? []]).toEqual(['client', 'hello']);
    expect(labImagesOfAll(["LAB_IMAGES='client'\n", '#!/bin/bash\necho custom user data\n'])).toBeUndefined();
  });

  test('variants by id, and machine names and addresses', () => {
    expect(selectVariants(undefined).map((variant) => variant.release)).toEqual(['trixie', 'unstable']);
    expect(selectVariants(['docker28']).map((variant) => variant.id)).toEqual(['docker28']);
    expect(() => selectVariants(['docker99'])).toThrow(/no variant docker99 \(known: docker26, docker28\)/);
    const [docker26] = selectVariants(['docker26']);
    expect(machineName(docker26, 'single', 1)).toBe('d26s1');
    expect(machineName(docker26, 'multi', 2)).toBe('d26m2');
    expect([machineAddress(docker26), machineAddress(docker26, 2), machineAddress({ ...docker26, firstAddress: 41 })]).toEqual(['10.99.0.11', '10.99.0.13', '10.99.0.41']);
  });
});

describe('issue 11.5: what the rehearsal requires of a failing and of a hindered boot', () => {
  const failing = (reason: string): Pick<BootedMachine, 'signal'> => ({ signal: { status: 'FAILURE', reason } });

  test('the failure signal must name the phase AND carry the end of its log, on one printable line of at most 1,000 characters', () => {
    const good = `failed at: lab-tools install | --- provision.sh --- | [provision] lab-tools install: start | ${BROKEN_ON_PURPOSE} | [provision] lab-tools install: FAILED (exit 3 after 0 s)`;
    expect(failureSignalProblem(failing(good), 'lab-tools')).toBeUndefined();
    // What the old user data sent: the phase alone.
    expect(failureSignalProblem(failing('failed at: lab-tools install'), 'lab-tools')).toMatch(/not "failed at: lab-tools install \| \.\.\."/);
    expect(failureSignalProblem(failing('failed at: lab-tools install | apt-get: oops'), 'lab-tools')).toMatch(/does not carry the end of the failing phase's log/);
    expect(failureSignalProblem(failing(`${good} | ${'x'.repeat(1000)}`), 'lab-tools')).toMatch(/at most 1,000 printable/);
    expect(failureSignalProblem(failing(`${good}\u00e9`), 'lab-tools')).toMatch(/characters CloudFormation refuses/);
    expect(failureSignalProblem({ signal: { status: 'SUCCESS', reason: 'lab host ready' } }, 'lab-tools')).toMatch(/signalled SUCCESS, not FAILURE/);
  });

  const machine = (name: string, extra: Partial<BootedMachine> = {}): BootedMachine => ({
    name, address: '10.99.0.41', seconds: 95, phases: [], notRehearsed: [],
    host: { templateFile: 't', stackName: 's', logicalId: 'SingleHost', topology: 'outage', hostIndex: 1, readinessTimeoutSeconds: 1800, userData: '' },
    signal: { status: 'SUCCESS', reason: 'lab host ready, degraded: pipework: its download from GitHub failed 1 time(s)' }, ...extra,
  });

  test('the retries of a provisioning log: the lab\'s own and apt\'s own (a reachable mirror prints neither)', () => {
    const log = ['--> apt-get update', 'Ign:1 http://deb.debian.org/debian trixie InRelease', 'Get:1 http://deb.debian.org/debian trixie InRelease [140 kB]',
      '--> try 1 of 7 failed; next try in 12 s: apt-get -o DPkg::Lock::Timeout=300 update -q', 'Err:2 http://deb.debian.org/debian trixie InRelease',
      'the word Ign:3 inside a line does not count'].join('\n');
    expect(outageRetries(log)).toEqual({ ours: 1, apt: 2 });
    expect(outageRetries('Hit:1 http://deb.debian.org/debian trixie InRelease\nGet:2 x\n')).toEqual({ ours: 0, apt: 0 });
  });

  test('the summary shows the mirror-outage machine and the boots\' NOT REHEARSED lines (pipework); a failed outage fails the rehearsal', () => {
    const booted = machine('d26s1', {
      notRehearsed: ['NOT REHEARSED: pipework download: curl URL (GitHub is unreachable from this machine)'],
      phases: [{ phase: 'pipework install', seconds: 3, degraded: true }, { phase: 'lab-tools install', seconds: 8 }],
    });
    const results = [{ variant: selectVariants(['docker26'])[0], machines: [booted], bootSeconds: 100, steps: [] }];
    const input = { results, steps: [], tunnels: ['gre'], totalSeconds: 300, mirrorOutage: { machine: machine('d26o1'), retries: { ours: 2, apt: 1 } } };
    const { text, passed } = renderRehearsalSummary(input);
    expect(passed).toBe(true);
    expect(text).toContain('| d26o1 | mirror outage | outage 1 (SingleHost) | SUCCESS: lab host ready, degraded: pipework');
    expect(text).toContain('Mirror outage: d26o1, whose package mirror refused it for its first 60 s, retried (2 of the lab\'s own retries, 1 of apt\'s own) and became ready after 95 s, as expected.');
    expect(text).toContain('pipework install 3 DEGRADED, lab-tools install 8');
    expect(text).toContain('- `pipework download: curl URL (GitHub is unreachable from this machine)` (printed by provisioning of d26s1)');
    expect(rehearsalPassed({ ...input, mirrorOutage: { machine: machine('d26o1'), problem: 'signalled nothing' } })).toBe(false);
  });

  test('a proof that throws while the steps run is reported as its own failure, without a machine, and fails the rehearsal', async () => {
    const thrown = await problemOnError(Promise.reject(new Error('machine.sh boot d26f1 failed (exit 1)')));
    expect(thrown).toEqual({ problem: 'stopped by an error: machine.sh boot d26f1 failed (exit 1)' });
    const held = { machine: machine('d26o1') };
    expect(await problemOnError(Promise.resolve(held))).toBe(held);
    const results = [{ variant: selectVariants(['docker26'])[0], machines: [machine('d26s1')], bootSeconds: 100, steps: [] }];
    const { text, passed } = renderRehearsalSummary({ results, steps: [], tunnels: ['gre'], totalSeconds: 300, failure: thrown, mirrorOutage: thrown });
    expect(passed).toBe(false);
    expect(text).toContain('Failure path: **FAIL**: stopped by an error: machine.sh boot d26f1 failed (exit 1).');
    expect(text).toContain('Mirror outage: **FAIL**: stopped by an error: machine.sh boot d26f1 failed (exit 1).');
    expect(text).not.toContain('| failure path |');
  });
});

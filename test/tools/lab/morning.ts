// The workshop morning the pages' tests render: alice all green, bob failing
// step 6 and expiring soon, and a host whose tags and output try to inject
// markup. Times on the fake clock, which starts at NOW.
import * as fs from 'fs';
import * as path from 'path';
import { REPOSITORY } from '../../fixtures/cdk';
import { DEFAULT_HOSTS, fakeAws, FakeAws, FakeHost, FakeSecurityGroups, FakeStep, InvocationScript } from './fixtures';

export const NOW = Date.parse('2026-05-04T10:00:00Z');

/** What a hostile attendee (root on their host) could put into a tag or a check's output. */
export const INJECTION = '<img src=x onerror="document.title=\'pwned\'"><script>document.title=\'pwned\'</script>';

/** The workshop's own steps (each assets/steps/NN-name/step.json): ids, topologies, titles. */
export const MORNING_STEPS: readonly FakeStep[] = fs.readdirSync(path.join(REPOSITORY, 'assets', 'steps')).sort().map((stepId) => {
  const spec = JSON.parse(fs.readFileSync(path.join(REPOSITORY, 'assets', 'steps', stepId, 'step.json'), 'utf8')) as { hosts: string; title: string };
  return { stepId, hosts: spec.hosts, title: spec.title };
});

const PUBLIC_IPS: Readonly<Record<string, string>> = {
  'i-alice-single': '198.51.100.10', 'i-alice-multi1': '198.51.100.11', 'i-alice-multi2': '198.51.100.12',
  'i-bob-single': '198.51.100.20', 'i-bob-multi1': '198.51.100.21', 'i-bob-multi2': '198.51.100.22',
};

export const MORNING_HOSTS: readonly FakeHost[] = [
  ...DEFAULT_HOSTS.map((host): FakeHost => ({
    ...host,
    publicIp: PUBLIC_IPS[host.instanceId],
    expiresAt: host.attendee === 'alice' ? '2026-05-04T18:00:00Z' : '2026-05-04T10:20:00Z',
    // The default sizes: t3.small for the single host, t3.micro for the multi hosts.
    instanceType: host.topology === 'single' ? 't3.small' : 't3.micro',
    launchTime: '2026-05-04T08:00:00Z',
    keyName: `container-networks-${host.attendee}-lab-key`,
    securityGroupIds: [`sg-${host.attendee}`],
    name: `container-networks-${host.attendee}/${host.topology === 'single' ? 'SingleHost/Host' : `MultiHost/Host${host.hostIndex}`}`,
  })),
  // An instance whose attendee tag was set to markup (tags are not validated by EC2).
  {
    attendee: 'zz-hostile', attendeeTag: INJECTION, instanceId: 'i-hostile', topology: 'single', hostIndex: 1, privateIp: '10.0.9.10',
    publicIp: '198.51.100.90', instanceType: 't3.small', launchTime: '2026-05-04T09:00:00Z', securityGroupIds: ['sg-hostile'],
  },
];

/** SSH is open to alice's and bob's hosts. */
export const MORNING_GROUPS: FakeSecurityGroups = { 'sg-alice': { ssh: true }, 'sg-bob': { ssh: true }, 'sg-hostile': { ssh: false } };

/** Readiness: every host READY. Checks: bob's multi#2 fails step 6 with a FAIL line; the hostile host's check prints markup. */
export const MORNING_INVOCATIONS: InvocationScript = (_, instanceId, documentName) => {
  if (documentName === 'AWS-RunShellScript') {
    return { Status: 'Success', ResponseCode: 0, StandardOutputContent: 'READY since 2026-05-04T08:14:00Z\n' };
  }
  if (instanceId === 'i-bob-multi2' && documentName.endsWith('06-across-hosts-check')) {
    return { Status: 'Failed', ResponseCode: 1, StandardOutputContent: 'FAIL: no tunnel port to 10.0.2.11 on br-tun; run step 6 again\n' };
  }
  if (instanceId === 'i-hostile') {
    return { Status: 'Failed', ResponseCode: 1, StandardOutputContent: `FAIL: ${INJECTION}\n` };
  }
  return { Status: 'Success', ResponseCode: 0, StandardOutputContent: 'PASS\n' };
};

/** The morning's account: its hosts, steps and security groups; `overrides` replace or add fake AWS options. */
export function morningAws(overrides: Parameters<typeof fakeAws>[0] = {}): FakeAws {
  return fakeAws({ hosts: MORNING_HOSTS, steps: MORNING_STEPS, securityGroups: MORNING_GROUPS, ...overrides });
}

/** The morning's account with its checks answering and 8 GiB volumes: what the progress page shows. */
export function morningWithChecks(): FakeAws {
  return morningAws({ invocation: MORNING_INVOCATIONS, volumeGiB: 8 });
}

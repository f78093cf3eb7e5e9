import { configWarnings, parseWorkshopConfig } from '../../../lib/app/config';

describe('parseWorkshopConfig', () => {
  test('defaults: one attendee, no SSH, t3.large, Ubuntu 24.04, two multi hosts, both topologies', () => {
    const config = parseWorkshopConfig({});
    expect(config.workshopName).toBe('container-networks');
    expect(config.attendees).toEqual(['attendee1']);
    expect(config.sshCidr).toBeUndefined();
    expect(config.allowSshFromAnywhere).toBe(false);
    expect(config.instanceType).toBeUndefined(); // each topology's measured default
    expect(config.hostOs).toBe('debian-13');
    expect(config.multiHostCount).toBe(2);
    expect(config.topologies).toEqual(['single', 'multi']);
    expect(config.readinessTimeoutMinutes).toBe(30);
    expect(config.flowLogTraffic).toBe('rejected');
    expect(config.expiresAt).toBeUndefined();
  });

  test('reads every key, as strings from -c or typed values from cdk.json', () => {
    const config = parseWorkshopConfig({
      workshopName: 'onug', attendees: 'alice, bob,carol', sshCidr: '203.0.113.0/24', instanceType: 'm7i.xlarge',
      hostOs: 'ubuntu-24.04', multiHostCount: 3, topologies: 'multi',
    });
    expect(config).toMatchObject({
      workshopName: 'onug', attendees: ['alice', 'bob', 'carol'], sshCidr: '203.0.113.0/24', hostOs: 'ubuntu-24.04',
      multiHostCount: 3, topologies: ['multi'],
    });
    expect(config.instanceType?.toString()).toBe('m7i.xlarge');
    expect(parseWorkshopConfig({ multiHostCount: '8' }).multiHostCount).toBe(8);
  });

  test('ignores keys that belong to the CDK and its CLI', () => {
    expect(() => parseWorkshopConfig({
      '@aws-cdk/aws-ec2:uniqueImdsv2TemplateName': true,
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:version-reporting': false,
      'cdk-toolkit:something': 'x',
      'availability-zones:account=123456789012:region=us-east-1': ['us-east-1a'],
      'acknowledged-issue-numbers': [123],
    })).not.toThrow();
  });

  test.each([
    ['multiHostCount', '9', `Invalid context 'multiHostCount': "9" — allowed: a whole number from 2 to 8.`],
    ['multiHostCount', '1', `Invalid context 'multiHostCount': "1" — allowed: a whole number from 2 to 8.`],
    ['multiHostCount', '2.5', `Invalid context 'multiHostCount': "2.5"`],
    ['attendees', 'Alice', `Invalid context 'attendees': "Alice" — allowed: a comma-separated list of unique names`],
    ['attendees', 'bob,bob', `Invalid context 'attendees': "bob given twice"`],
    ['attendees', ' , ', `Invalid context 'attendees'`],
    ['attendees', `a${'b'.repeat(32)}`, `Invalid context 'attendees'`],
    ['sshCidr', '203.0.113.5/24', 'host bits are set; did you mean 203.0.113.0/24?'],
    ['sshCidr', '300.1.1.1/32', 'an address part is above 255'],
    ['sshCidr', '10.0.0.0/33', 'the prefix length is above 32'],
    ['sshCidr', 'my-laptop', 'not written a.b.c.d/n'],
    ['sshCidr', '0.0.0.0/0', 'also needs -c allowSshFromAnywhere=true'],
    // issue 11.8: a range wider than /16 is "from anywhere" too
    ['sshCidr', '0.0.0.0/1', `Invalid context 'sshCidr': "0.0.0.0/1" — allowed: a CIDR of /16 or narrower, such as 203.0.113.0/24 (a wider one, up to 0.0.0.0/0, also needs -c allowSshFromAnywhere=true).`],
    ['sshCidr', '10.0.0.0/15', 'a CIDR of /16 or narrower'],
    ['allowSshFromAnywhere', 'yes', `Invalid context 'allowSshFromAnywhere': "yes" — allowed: true or false.`],
    ['instanceType', 'large', `Invalid context 'instanceType': "large" — allowed: an EC2 instance type written family.size`],
    // issue 11.8: the type must exist (a family the app knows, a real size)
    ['instanceType', 'foo.bar', `Invalid context 'instanceType': "foo.bar" — allowed: an EC2 instance type written family.size, e.g. t3.large (x86_64) or t4g.large (arm64, Graviton); 'foo' is not a family this app knows (`],
    ['instanceType', 't3.huge', `'huge' is not an instance size`],
    ['readinessTimeoutMinutes', '4', `Invalid context 'readinessTimeoutMinutes': "4" — allowed: a whole number of minutes from 5 to 720`],
    ['readinessTimeoutMinutes', '721', `Invalid context 'readinessTimeoutMinutes': "721"`],
    ['readinessTimeoutMinutes', '30m', `Invalid context 'readinessTimeoutMinutes': "30m"`],
    ['flowLogTraffic', 'accepted', `Invalid context 'flowLogTraffic': "accepted" — allowed: rejected or all.`],
    ['hostOs', 'ubuntu-22.04', `Invalid context 'hostOs': "ubuntu-22.04" — allowed: debian-13 or ubuntu-24.04.`],
    ['hostOs', 'debian-12', `Invalid context 'hostOs': "debian-12" — allowed: debian-13 or ubuntu-24.04 (debian-12 was removed in 0.2.0`],
    ['topologies', 'single,triple', `Invalid context 'topologies': "single,triple" — allowed: a non-empty comma-separated list of single, multi.`],
    ['topologies', '', `Invalid context 'topologies'`],
    ['workshopName', 'Container_Networks', `Invalid context 'workshopName': "Container_Networks"`],
    ['workshopName', 'aws-lab', 'not starting with aws, amazon or amzn'],
    ['amiId', 'ami-xyz', `Invalid context 'amiId': "ami-xyz" — allowed: an AMI id such as ami-0123456789abcdef0`],
    ['expiresAfterHours', '8', `Context 'expiresAfterHours' is no longer read: expiresAfterHours was removed in 0.3.0`],
    ['expiresAt', '2026-05-04 18:00', `Invalid context 'expiresAt': "2026-05-04 18:00" — allowed: a UTC time written yyyy-mm-ddThh:mm[:ss]Z`],
    ['expiresAt', '2026-05-04T18:00:00+02:00', `Invalid context 'expiresAt'`],
    ['expiresAt', '2026-02-30T18:00:00Z', `Invalid context 'expiresAt'`],
    ['expiryAction', 'terminate', `Invalid context 'expiryAction': "terminate" — allowed: stop or delete.`],
    ['workshopStudio', 'yes', `Invalid context 'workshopStudio': "yes" — allowed: true or false.`],
    ['attendee', 'alice', `Unknown context 'attendee' — allowed keys: workshopName, attendees, sshCidr, allowSshFromAnywhere, instanceType, hostOs, multiHostCount, topologies, amiId, readinessTimeoutMinutes, flowLogTraffic, expiresAt, expiryAction, workshopStudio.`],
  ])('rejects %s=%j', (key, value, message) => {
    expect(() => parseWorkshopConfig({ [key]: value })).toThrow(message);
  });

  test('allows SSH from anywhere (or from more than a /16) only when asked explicitly', () => {
    expect(parseWorkshopConfig({ sshCidr: '0.0.0.0/0', allowSshFromAnywhere: 'true' }).sshCidr).toBe('0.0.0.0/0');
    expect(parseWorkshopConfig({ sshCidr: '0.0.0.0/1', allowSshFromAnywhere: 'true' }).sshCidr).toBe('0.0.0.0/1');
    expect(parseWorkshopConfig({ sshCidr: '10.20.0.0/16' }).sshCidr).toBe('10.20.0.0/16');
  });

  test('issue 11.8: Graviton types are allowed (their hosts boot the arm64 image), and every new key is read', () => {
    const config = parseWorkshopConfig({ instanceType: 't4g.large', readinessTimeoutMinutes: '45', flowLogTraffic: 'all', expiresAt: '2026-05-04T18:00Z' });
    expect(config.instanceType?.toString()).toBe('t4g.large');
    expect(config.readinessTimeoutMinutes).toBe(45);
    expect(config.flowLogTraffic).toBe('all');
    expect(config.expiresAt?.toISOString()).toBe('2026-05-04T18:00:00.000Z');
  });

  test('issue 11.8: a long bad value is cut in the message, which still names the key and what is allowed', () => {
    const huge = `${'9'.repeat(100_000)}/8`;
    for (const key of ['sshCidr', 'instanceType', 'hostOs', 'amiId', 'expiresAt', 'workshopName', 'attendees']) {
      let message = '';
      try {
        parseWorkshopConfig({ [key]: huge });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(`Invalid context '${key}': "${'9'.repeat(80)}…" (100002 characters) — allowed:`);
      expect(message.length).toBeLessThan(2000);
    }
    let unknown = '';
    try {
      parseWorkshopConfig({ ['x'.repeat(5000)]: '1' });
    } catch (error) {
      unknown = (error as Error).message;
    }
    expect(unknown).toContain('(5000 characters)');
    expect(unknown.length).toBeLessThan(1000);
  });

  test('issue 11.8: more than 100 attendees warns with the default quotas that grow with them; 100 does not', () => {
    const names = (count: number): string => Array.from({ length: count }, (_, index) => `a${index + 1}`).join(',');
    expect(configWarnings(parseWorkshopConfig({ attendees: names(100) }))).toEqual([]);
    const [warning] = configWarnings(parseWorkshopConfig({ attendees: names(101) }));
    expect(warning).toContain('101 attendees is more than 100');
    expect(warning).toContain('running On-Demand standard instance vCPUs: 3 hosts each, 303 hosts');
    expect(warning).toContain('IAM roles: 4 each, 404 (default 1,000 per account)');
    expect(warning).toContain('IAM groups: 1 each, 101 (default 300 per account)');
    expect(warning).toContain('VPC security groups: 4 each, 404 (default 2,500 per region)');
    expect(warning).toContain('CloudFormation stacks: 102 (default 2,000 per region)');
  });

  test('collects all problems into one error', () => {
    let message = '';
    try {
      parseWorkshopConfig({ multiHostCount: '0', hostOs: 'windows', typo: 1 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("'multiHostCount'");
    expect(message).toContain("'hostOs'");
    expect(message).toContain("Unknown context 'typo'");
  });
});

import { parseWorkshopConfig } from '../../../lib/app/config';

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
    ['allowSshFromAnywhere', 'yes', `Invalid context 'allowSshFromAnywhere': "yes" — allowed: true or false.`],
    ['instanceType', 'large', `Invalid context 'instanceType': "large" — allowed: an EC2 instance type written family.size`],
    ['hostOs', 'ubuntu-22.04', `Invalid context 'hostOs': "ubuntu-22.04" — allowed: debian-13 or ubuntu-24.04.`],
    ['hostOs', 'debian-12', `Invalid context 'hostOs': "debian-12" — allowed: debian-13 or ubuntu-24.04 (debian-12 was removed in 0.2.0`],
    ['topologies', 'single,triple', `Invalid context 'topologies': "single,triple" — allowed: a non-empty comma-separated list of single, multi.`],
    ['topologies', '', `Invalid context 'topologies'`],
    ['workshopName', 'Container_Networks', `Invalid context 'workshopName': "Container_Networks"`],
    ['workshopName', 'aws-lab', 'not starting with aws, amazon or amzn'],
    ['amiId', 'ami-xyz', `Invalid context 'amiId': "ami-xyz" — allowed: an AMI id such as ami-0123456789abcdef0`],
    ['expiresAfterHours', '0', `Invalid context 'expiresAfterHours': "0" — allowed: a whole number of hours from 1 to 168.`],
    ['expiresAfterHours', '169', `Invalid context 'expiresAfterHours': "169"`],
    ['expiresAfterHours', '1.5', `Invalid context 'expiresAfterHours': "1.5"`],
    ['expiresAt', '2026-05-04 18:00', `Invalid context 'expiresAt': "2026-05-04 18:00" — allowed: a UTC time written yyyy-mm-ddThh:mm[:ss]Z`],
    ['expiresAt', '2026-05-04T18:00:00+02:00', `Invalid context 'expiresAt'`],
    ['expiresAt', '2026-02-30T18:00:00Z', `Invalid context 'expiresAt'`],
    ['expiryAction', 'terminate', `Invalid context 'expiryAction': "terminate" — allowed: stop or delete.`],
    ['workshopStudio', 'yes', `Invalid context 'workshopStudio': "yes" — allowed: true or false.`],
    ['attendee', 'alice', `Unknown context 'attendee' — allowed keys: workshopName, attendees, sshCidr, allowSshFromAnywhere, instanceType, hostOs, multiHostCount, topologies, amiId, expiresAfterHours, expiresAt, expiryAction, workshopStudio.`],
  ])('rejects %s=%j', (key, value, message) => {
    expect(() => parseWorkshopConfig({ [key]: value })).toThrow(message);
  });

  test('allows SSH from anywhere only when asked explicitly', () => {
    expect(parseWorkshopConfig({ sshCidr: '0.0.0.0/0', allowSshFromAnywhere: 'true' }).sshCidr).toBe('0.0.0.0/0');
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

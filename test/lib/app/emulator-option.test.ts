import { Template } from 'aws-cdk-lib/assertions';
import { buildWorkshopApp } from '../../../lib/app/build-workshop-app';
import { FIXTURE_STEPS, newApp } from '../../fixtures/cdk';

/**
 * The emulator option of `npm run deploy:local` is the context key amiId: a
 * local AWS emulator (moto) cannot resolve the OS vendor's public AMI
 * parameter, so the hosts boot an AMI the emulator knows. A real deployment
 * must not notice the option exists: unset, it changes nothing; set, it
 * changes only the image id.
 */

/** Every stack's template, by stack name. */
function synthesize(context: Record<string, unknown>): Record<string, Record<string, any>> {
  const app = newApp({ attendees: 'alice,bob', ...context });
  const built = buildWorkshopApp(app, { nag: false, stepsDirectory: FIXTURE_STEPS });
  return Object.fromEntries([built.workshop, ...built.attendees]
    .map((stack) => [stack.stackName, Template.fromStack(stack).toJSON()]));
}

/** Paths (a.b.c) at which two JSON values differ. */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) {
    return [];
  }
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => differences(a[key], b[key], path ? `${path}.${key}` : key));
  }
  return [path];
}

const AMI = 'ami-0123456789abcdef0';
const AMI_RESOLVED_AT_LAUNCH = 'resolve:ssm:/aws/service/debian/release/13/latest/amd64';

describe('the emulator option (context amiId)', () => {
  let unset: ReturnType<typeof synthesize>;
  let set: ReturnType<typeof synthesize>;
  beforeAll(() => {
    unset = synthesize({});
    set = synthesize({ amiId: AMI });
  });

  test('unset: hosts boot the OS vendor\'s current AMI, read from its public SSM parameter by EC2 at launch', () => {
    for (const [name, template] of Object.entries(unset).filter(([stackName]) => stackName !== 'container-networks')) {
      // Only the bootstrap version parameter: no AMI parameter that a stack update would re-read.
      const ssmParameters = Object.values(template.Parameters ?? {}).filter((parameter: any) => String(parameter.Type).startsWith('AWS::SSM::Parameter::Value'));
      expect(ssmParameters.map((parameter: any) => parameter.Default)).toEqual(['/cdk-bootstrap/hnb659fds/version']);
      const instances = Object.values(template.Resources).filter((resource: any) => resource.Type === 'AWS::EC2::Instance');
      expect(instances).toHaveLength(3);
      for (const instance of instances as any[]) {
        expect(instance.Properties.ImageId).toEqual(AMI_RESOLVED_AT_LAUNCH);
      }
      expect(JSON.stringify(template)).not.toMatch(/"ami-[0-9a-f]+"/);
      expect(name).toMatch(/^container-networks-(alice|bob)$/);
    }
  });

  test('unset: a key set to null (as in cdk.json) gives the same templates as no key at all', () => {
    expect(synthesize({ amiId: null })).toEqual(unset);
  });

  test('set: the only differences are each host\'s ImageId and the cfn-lint note that the resolve:ssm: id needed', () => {
    expect(Object.keys(set)).toEqual(Object.keys(unset));
    for (const name of Object.keys(unset)) {
      const before = unset[name];
      const after = set[name];
      const instanceIds = Object.keys(before.Resources).filter((id) => before.Resources[id].Type === 'AWS::EC2::Instance');
      const expected = [
        ...instanceIds.map((id) => `Resources.${id}.Metadata`),
        ...instanceIds.map((id) => `Resources.${id}.Properties.ImageId`),
      ].sort();
      for (const id of instanceIds) {
        expect(before.Resources[id].Metadata).toEqual({ 'cfn-lint': { config: { ignore_checks: ['E1152'] } } });
        expect(after.Resources[id].Metadata).toBeUndefined();
      }
      expect(differences(before, after).sort()).toEqual(expected);
      for (const id of instanceIds) {
        expect(after.Resources[id].Properties.ImageId).toBe(AMI);
      }
      if (name === 'container-networks') {
        expect(expected).toEqual([]);
      }
    }
  });
});

import { Template } from 'aws-cdk-lib/assertions';
import { buildWorkshopApp } from '../lib/app';
import { LabStepDefinition } from '../lib/steps/lab-step-definition';
import { nagFindings, newApp } from './fixtures/cdk';

/**
 * The templates with the text of files, scripts and user data masked, so the
 * snapshot records the shape of the app (resources, properties, which files
 * go where, document names and parameters) and does not change each time a
 * script's text does. The rehearsal and shellcheck cover the text.
 */
function shapeOf(template: Record<string, any>): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(template));
  for (const resource of Object.values(copy.Resources ?? {}) as any[]) {
    const files = resource.Metadata?.['AWS::CloudFormation::Init']?.config?.files;
    for (const file of Object.values(files ?? {}) as any[]) {
      file.content = '<file content>';
    }
    if (resource.Type === 'AWS::EC2::Instance') {
      // assets/host/user-data.sh's text; its placeholder wiring is tested in lab-host.test.ts
      resource.Properties.UserData = '<user data>';
    }
    if (resource.Type === 'AWS::SSM::Document') {
      resource.Properties.Content.description = '<step summary>';
      for (const step of resource.Properties.Content.mainSteps) {
        step.inputs.runCommand = ['<composed script>'];
      }
    }
  }
  return copy;
}

describe('the default app (built-in assets, default context)', () => {
  const app = newApp();
  // A fixed clock: the expiry time (8 hours after it) is part of the templates.
  const built = buildWorkshopApp(app, { now: new Date('2026-05-04T08:00:00Z') });

  test('stacks: the workshop and one attendee', () => {
    expect([built.workshop, ...built.attendees].map((stack) => stack.stackName))
      .toEqual(['container-networks', 'container-networks-attendee1']);
  });

  test('three documents per built-in step', () => {
    Template.fromStack(built.workshop).resourceCountIs('AWS::SSM::Document', 3 * LabStepDefinition.listFolder().length);
  });

  test('matches the snapshot', () => {
    for (const stack of [built.workshop, ...built.attendees]) {
      expect(shapeOf(Template.fromStack(stack).toJSON())).toMatchSnapshot(stack.stackName);
    }
  });

  test('cdk-nag: no findings', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});

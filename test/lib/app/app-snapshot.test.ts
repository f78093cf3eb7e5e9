import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildWorkshopApp, WorkshopApp } from '../../../lib/app/build-workshop-app';
import { LabStepDefinition } from '../../../lib/steps/lab-step-definition';
import { nagFindings, newApp } from '../../fixtures/cdk';

/**
 * Logical id -> resource type of every resource: what CloudFormation keys its
 * updates on. A change here replaces (or removes) a deployed resource, so it
 * must be deliberate and named in CHANGELOG.md. Property values are covered by
 * the construct tests, script texts by shellcheck and the rehearsal.
 */
function resourceIds(template: Template): Record<string, string> {
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  return Object.fromEntries(Object.entries(resources).map(([logicalId, resource]) => [logicalId, resource.Type]).sort(([a], [b]) => a.localeCompare(b)));
}

describe('the default app (built-in assets, default context)', () => {
  let app: App;
  let built: WorkshopApp;
  beforeAll(() => {
    app = newApp();
    // A fixed clock: the expiry time (8 hours after it) is part of the templates.
    built = buildWorkshopApp(app, { now: new Date('2026-05-04T08:00:00Z') });
  });

  test('stacks: the workshop and one attendee', () => {
    expect([built.workshop, ...built.attendees].map((stack) => stack.stackName))
      .toEqual(['container-networks', 'container-networks-attendee1']);
  });

  test('three documents per built-in step', () => {
    Template.fromStack(built.workshop).resourceCountIs('AWS::SSM::Document', 3 * LabStepDefinition.listFolder().length);
  });

  test('logical ids and types match the snapshot', () => {
    for (const stack of [built.workshop, ...built.attendees]) {
      expect(resourceIds(Template.fromStack(stack))).toMatchSnapshot(stack.stackName);
    }
  });

  test('outputs keep their names (tools and organisers read them)', () => {
    expect(Object.keys(Template.fromStack(built.attendees[0]).toJSON().Outputs).sort()).toMatchSnapshot('attendee outputs');
  });

  test('cdk-nag: no findings', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});

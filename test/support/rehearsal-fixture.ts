/**
 * Writes a small cloud assembly (one `*.template.json`) whose SSM documents
 * are composed from step folders the way the CDK app composes them, tagged
 * cnlab:step / cnlab:action / cnlab:hosts: for the tests of the rehearsal's
 * document reading.
 */
import * as fs from 'fs';
import * as path from 'path';
import { STEP_ACTIONS } from '../../lib/contract';
import { composeDocumentContent } from '../../lib/steps/document-content';
import { LabStepDefinition } from '../../lib/steps/lab-step-definition';

const REPOSITORY = path.resolve(__dirname, '..', '..');

/** Options of {@link writeFixtureAssembly}. */
export interface FixtureOptions {
  /** Template file name. */
  readonly templateName?: string;
}

/** The template object; see the file comment. */
export function fixtureTemplate(stepsDirectory: string): Record<string, unknown> {
  const helpers = fs.readFileSync(path.join(REPOSITORY, 'assets', 'lib', 'lab.sh'), 'utf8');
  const resources: Record<string, unknown> = {};
  for (const step of LabStepDefinition.listFolder(stepsDirectory)) {
    for (const action of STEP_ACTIONS) {
      const content = composeDocumentContent({
        stepId: step.id,
        action,
        script: step.scripts[action],
        helpers,
        parameters: step.parameters,
        description: `${step.title} (${step.id}, ${action}): ${step.summary}`,
      });
      const logicalId = `Step${step.id.replace(/[^A-Za-z0-9]/g, '')}${action.charAt(0).toUpperCase()}${action.slice(1)}`;
      resources[logicalId] = {
        Type: 'AWS::SSM::Document',
        Properties: {
          Content: content,
          DocumentFormat: 'JSON',
          DocumentType: 'Command',
          Name: `container-networks-${step.id}-${action}`,
          Tags: [{ Key: 'cnlab:step', Value: step.id }, { Key: 'cnlab:action', Value: action }, { Key: 'cnlab:hosts', Value: step.hosts }],
          UpdateMethod: 'NewVersion',
        },
      };
    }
  }
  return { Resources: resources };
}

/** Writes the template to `<outDirectory>/<templateName>`; returns the file. */
export function writeFixtureAssembly(stepsDirectory: string, outDirectory: string, options: FixtureOptions = {}): string {
  fs.mkdirSync(outDirectory, { recursive: true });
  const file = path.join(outDirectory, options.templateName ?? 'RehearsalFixture.template.json');
  fs.writeFileSync(file, JSON.stringify(fixtureTemplate(stepsDirectory), null, 1));
  return file;
}


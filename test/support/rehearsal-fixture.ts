/**
 * Writes a small cloud assembly (one `*.template.json`) whose SSM documents
 * are composed from step folders the way the CDK app composes them, tagged
 * cnlab:step / cnlab:action, optionally with the image build contexts in
 * AWS::CloudFormation::Init metadata. For the rehearsal's tests, and for
 * trying the rehearsal without the CDK app:
 *
 *   npx tsx test/support/rehearsal-fixture.ts STEPS_DIR OUT_DIR [IMAGES_DIR]
 *   npm run rehearse -- --cdk-out OUT_DIR
 */
import * as fs from 'fs';
import * as path from 'path';
import { STEP_ACTIONS } from '../../lib/contract';
import { composeDocumentContent } from '../../lib/steps/document-content';
import { LabStepDefinition } from '../../lib/steps/lab-step-definition';

const REPOSITORY = path.resolve(__dirname, '..', '..');

/** Options of {@link writeFixtureAssembly}. */
export interface FixtureOptions {
  /** Image build contexts to carry as cfn-init files (one sub-folder per image). */
  readonly imagesDirectory?: string;
  /** Template file name. */
  readonly templateName?: string;
}

function filesUnder(folder: string, relative = ''): string[] {
  return fs.readdirSync(path.join(folder, relative), { withFileTypes: true }).flatMap((entry) => {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(folder, child) : entry.isFile() ? [child] : [];
  }).sort();
}

/** The template object; see the file comment. */
export function fixtureTemplate(stepsDirectory: string, options: FixtureOptions = {}): Record<string, unknown> {
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
  if (options.imagesDirectory) {
    const files: Record<string, unknown> = {};
    for (const relative of filesUnder(options.imagesDirectory)) {
      const bytes = fs.readFileSync(path.join(options.imagesDirectory, relative));
      const text = bytes.toString('utf8');
      const isText = !bytes.includes(0) && Buffer.from(text, 'utf8').equals(bytes);
      files[`/opt/container-networks/images/${relative}`] = {
        content: isText ? text : bytes.toString('base64'),
        ...(isText ? {} : { encoding: 'base64' }),
        mode: '000644',
        owner: 'root',
        group: 'root',
      };
    }
    resources.LabHostFilesFixture = {
      Type: 'AWS::CloudFormation::WaitConditionHandle',
      Metadata: { 'AWS::CloudFormation::Init': { configSets: { cnlab: ['labFiles'] }, labFiles: { files } } },
    };
  }
  return { Resources: resources };
}

/** Writes the template to `<outDirectory>/<templateName>`; returns the file. */
export function writeFixtureAssembly(stepsDirectory: string, outDirectory: string, options: FixtureOptions = {}): string {
  fs.mkdirSync(outDirectory, { recursive: true });
  const file = path.join(outDirectory, options.templateName ?? 'RehearsalFixture.template.json');
  fs.writeFileSync(file, JSON.stringify(fixtureTemplate(stepsDirectory, options), null, 1));
  return file;
}

if (require.main === module) {
  const [stepsDirectory, outDirectory, imagesDirectory] = process.argv.slice(2);
  if (!stepsDirectory || !outDirectory) {
    process.stderr.write('Usage: npx tsx test/support/rehearsal-fixture.ts STEPS_DIR OUT_DIR [IMAGES_DIR]\n');
    process.exit(2);
  }
  process.stdout.write(`${writeFixtureAssembly(stepsDirectory, outDirectory, imagesDirectory ? { imagesDirectory } : {})}\n`);
}

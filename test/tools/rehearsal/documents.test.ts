import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  findTemplateFiles, groupStepDocuments, readStepDocuments, stepDocumentFromResource,
} from '../../../tools/rehearsal/documents';
import { withUndeployedStepFolders } from '../../../tools/rehearsal/rehearsal';
import { HOSTS_PARAMETER, STEP_ACTIONS } from '../../../lib/contract';
import { composeDocumentScript } from '../../../lib/steps/document-content';
import { LabStepDefinition } from '../../../lib/steps/lab-step-definition';
import { fixtureTemplate, writeFixtureAssembly } from '../../support/rehearsal-fixture';
import { REPOSITORY } from '../../fixtures/cdk';

const FIXTURE_STEPS = path.join(REPOSITORY, 'test', 'fixtures', 'rehearsal-steps');
const HELPERS = fs.readFileSync(path.join(REPOSITORY, 'assets', 'lib', 'lab.sh'), 'utf8');

function tempDirectory(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-test-'));
}

describe('finding step documents in templates', () => {
  let out: string;
  beforeAll(() => {
    out = tempDirectory();
    writeFixtureAssembly(FIXTURE_STEPS, out);
    // A nested assembly (a stage) and a file that is no template.
    writeFixtureAssembly(FIXTURE_STEPS, path.join(out, 'assembly-Stage'), { templateName: 'StageStack.template.json' });
    fs.writeFileSync(path.join(out, 'manifest.json'), '{}');
  });
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('every *.template.json, nested assemblies included', () => {
    expect(findTemplateFiles(out).map((file) => path.relative(out, file))).toEqual([
      'RehearsalFixture.template.json',
      path.join('assembly-Stage', 'StageStack.template.json'),
    ]);
  });

  test('a missing cloud assembly folder is a clear error', () => {
    expect(() => findTemplateFiles(path.join(out, 'nope'))).toThrow(/does not exist: synthesize first/);
  });

  test('documents found by their cnlab:step and cnlab:action tags', () => {
    const documents = readStepDocuments([path.join(out, 'RehearsalFixture.template.json')]);
    expect(documents.map((document) => `${document.stepId}/${document.action}`).sort()).toEqual([
      '01-fixture-single/check', '01-fixture-single/reset', '01-fixture-single/run',
      '02-fixture-tunnel/check', '02-fixture-tunnel/reset', '02-fixture-tunnel/run',
    ]);
  });

  test('the script is exactly what composeDocumentScript makes (what the agent writes to its file)', () => {
    const documents = readStepDocuments([path.join(out, 'RehearsalFixture.template.json')]);
    for (const step of LabStepDefinition.listFolder(FIXTURE_STEPS)) {
      for (const action of STEP_ACTIONS) {
        const document = documents.find((candidate) => candidate.stepId === step.id && candidate.action === action);
        expect(document?.script).toBe(composeDocumentScript({
          stepId: step.id, action, script: step.scripts[action], helpers: HELPERS, parameters: step.parameters, description: '',
        }));
      }
    }
  });

  test('the same step in two stacks is one step; multi-host is told by the cnlab:hosts tag', () => {
    const steps = groupStepDocuments(readStepDocuments(findTemplateFiles(out)));
    expect(steps.map((step) => [step.id, step.multiHost, step.problems])).toEqual([
      ['01-fixture-single', false, []],
      ['02-fixture-tunnel', true, []],
    ]);
    expect(steps[1].parameters).toEqual([
      { name: 'HOSTS', default: HOSTS_PARAMETER.default, allowedPattern: HOSTS_PARAMETER.allowedPattern },
      { name: 'TUNNEL_TYPE', default: 'gre', allowedPattern: '^(gre|vxlan|geneve)$' },
    ]);
    expect(steps[0].documents.run?.timeoutSeconds).toBe(900);
  });

  test('routing reads the tag, not the parameters; a document without the tag is a problem', () => {
    const documents = readStepDocuments(findTemplateFiles(out));
    const retagged = documents.map((document) => document.stepId === '01-fixture-single' ? { ...document, hosts: 'multi' } : document);
    expect(groupStepDocuments(retagged).map((step) => step.multiHost)).toEqual([true, true]);
    const untagged = documents.map(({ hosts: _hosts, ...document }) => document);
    const problems = groupStepDocuments(untagged).map((step) => step.problems);
    expect(problems[0]).toEqual(['the run document\'s tag cnlab:hosts is undefined; expected a topology kind (synthesized by an older version?)']);
  });

  test('a step with a missing action is reported, not dropped', () => {
    const documents = readStepDocuments([path.join(out, 'RehearsalFixture.template.json')])
      .filter((document) => !(document.stepId === '01-fixture-single' && document.action === 'check'));
    const [single] = groupStepDocuments(documents);
    expect(single.problems).toEqual(['no check document (no AWS::SSM::Document tagged cnlab:step=01-fixture-single, cnlab:action=check)']);
  });

  test('two stacks with different scripts for one step are a problem', () => {
    const documents = readStepDocuments(findTemplateFiles(out));
    const changed = documents.map((document, index) => (index === documents.length - 1 ? { ...document, script: 'echo other\n' } : document));
    const problems = groupStepDocuments(changed).flatMap((step) => step.problems);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/documents differ between .* choose one with --stack/);
  });

  test('step folders without documents become failing entries', () => {
    const steps = withUndeployedStepFolders(groupStepDocuments(readStepDocuments(findTemplateFiles(out))), ['01-fixture-single', '05-pipework']);
    expect(steps.map((step) => step.id)).toEqual(['01-fixture-single', '02-fixture-tunnel', '05-pipework']);
    expect(steps[2].problems[0]).toMatch(/assets\/steps\/05-pipework exists but the templates have no documents/);
  });
});

describe('reading one document resource', () => {
  const template = fixtureTemplate(FIXTURE_STEPS) as { Resources: Record<string, Record<string, unknown>> };
  const resource = template.Resources.Step01fixturesingleRun;

  test('content given as a JSON string is read too', () => {
    const properties = resource.Properties as Record<string, unknown>;
    const asString = { ...resource, Properties: { ...properties, Content: JSON.stringify(properties.Content) } };
    expect(stepDocumentFromResource('t.template.json', 'X', asString)?.script)
      .toBe(stepDocumentFromResource('t.template.json', 'X', resource)?.script);
  });

  test('resources without the tag are not step documents', () => {
    expect(stepDocumentFromResource('t.template.json', 'X', { Type: 'AWS::SSM::Document', Properties: { Content: {} } })).toBeUndefined();
    expect(stepDocumentFromResource('t.template.json', 'X', { Type: 'AWS::EC2::Instance', Properties: {} })).toBeUndefined();
  });

  test('a wrong action tag or unresolvable content is a clear error', () => {
    const properties = resource.Properties as Record<string, unknown>;
    const badTag = { ...resource, Properties: { ...properties, Tags: [{ Key: 'cnlab:step', Value: '01-x' }, { Key: 'cnlab:action', Value: 'walk' }] } };
    expect(() => stepDocumentFromResource('t.template.json', 'X', badTag)).toThrow(/cnlab:action is "walk"/);
    const joined = {
      ...resource,
      Properties: { ...properties, Content: { schemaVersion: '2.2', mainSteps: [{ action: 'aws:runShellScript', inputs: { runCommand: [{ 'Fn::Join': ['', ['a']] }] } }] } },
    };
    expect(() => stepDocumentFromResource('t.template.json', 'X', joined)).toThrow(/runCommand is a list of plain strings/);
  });
});

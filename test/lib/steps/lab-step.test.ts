import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HOSTS_PARAMETER } from '../../../lib/contract';
import { scriptOfDocument } from '../../../lib/steps/document-content';
import { LabStep } from '../../../lib/steps/lab-step';
import { LabStepDefinition } from '../../../lib/steps/lab-step-definition';
import { FIXTURE_STEPS, REPOSITORY, nagFindings, newApp } from '../../fixtures/cdk';

/** A copy of the fixture step 06 in a temporary folder, with changes. */
function stepFolder(changes: Record<string, string | null> = {}, name = '06-across-hosts'): string {
  const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-step-')), name);
  fs.cpSync(path.join(FIXTURE_STEPS, '06-across-hosts'), folder, { recursive: true });
  for (const [file, content] of Object.entries(changes)) {
    if (content === null) {
      fs.rmSync(path.join(folder, file));
    } else {
      fs.writeFileSync(path.join(folder, file), content);
    }
  }
  return folder;
}

function stepJson(parameters: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ title: 'Containers across hosts', hosts: 'multi', parameters, ...extra });
}

describe('LabStep', () => {
  test('three Command documents, JSON, NewVersion, named and tagged for the lab command', () => {
    const stack = new Stack(newApp(), 'Docs');
    const step = new LabStep(stack, 'Step', { step: LabStep.fromFolder(path.join(FIXTURE_STEPS, '06-across-hosts')), workshopName: 'onug' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SSM::Document', 3);
    for (const action of ['run', 'check', 'reset']) {
      template.hasResourceProperties('AWS::SSM::Document', {
        Name: `onug-06-across-hosts-${action}`,
        DocumentType: 'Command',
        DocumentFormat: 'JSON',
        UpdateMethod: 'NewVersion',
        Tags: [{ Key: 'cnlab:action', Value: action }, { Key: 'cnlab:hosts', Value: 'multi' }, { Key: 'cnlab:step', Value: '06-across-hosts' }],
      });
    }
    expect(step.documentNames).toEqual({ run: 'onug-06-across-hosts-run', check: 'onug-06-across-hosts-check', reset: 'onug-06-across-hosts-reset' });
    const content = Object.values(template.findResources('AWS::SSM::Document'))[0].Properties.Content;
    expect(content.description).toBe('Containers across hosts (06-across-hosts, run): Open vSwitch tunnels join containers on different hosts.');
    expect(content.parameters.TUNNEL_TYPE).toEqual({
      type: 'String', description: 'gre, vxlan or geneve', default: 'gre', allowedPattern: '^(gre|vxlan|geneve)$', interpolationType: 'ENV_VAR',
    });
    const script = scriptOfDocument(content);
    expect(script).toContain('[ -n "${SSM_TUNNEL_TYPE+set}" ] || cnlab_parameter_missing TUNNEL_TYPE\nexport TUNNEL_TYPE="$SSM_TUNNEL_TYPE"');
    expect(script).toContain('show() {'); // lab.sh inlined
    expect(script).not.toContain('. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"');
    expect(nagFindings(stack)).toEqual([]);
  });

  test('a long guide summary is cut at a word to 1024 characters', () => {
    const long = `# Step 6: Containers across hosts\n\n${'tunnel '.repeat(300)}\n`;
    const stack = new Stack(newApp(), 'Docs');
    new LabStep(stack, 'Step', { step: LabStepDefinition.fromFolder(stepFolder({ 'guide.md': long })) });
    const content = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Document'))[0].Properties.Content;
    expect(content.description.length).toBeLessThanOrEqual(1024);
    expect(content.description).toMatch(/tunnel…$/);
  });

  test('synth fails with the size when a document exceeds the 64 KB SSM limit', () => {
    const big = fs.readFileSync(path.join(FIXTURE_STEPS, '06-across-hosts', 'run.sh'), 'utf8') + `# ${'x'.repeat(70000)}\n`;
    const stack = new Stack(newApp(), 'Docs');
    expect(() => new LabStep(stack, 'Step', { step: LabStepDefinition.fromFolder(stepFolder({ 'run.sh': big })) }))
      .toThrow(/LabStep 06-across-hosts: the run document is \d{5} bytes; SSM allows 65536 bytes/);
  });

  test('rejects a bad workshop name', () => {
    const stack = new Stack(newApp(), 'Docs');
    expect(() => new LabStep(stack, 'Step', { step: LabStepDefinition.fromFolder(stepFolder()), workshopName: 'Bad Name' }))
      .toThrow(`'workshopName' is "Bad Name"`);
  });
});

describe('LabStepDefinition validation', () => {
  test('reads title, hosts, parameters and summary', () => {
    const step = LabStepDefinition.fromFolder(path.join(FIXTURE_STEPS, '06-across-hosts'));
    expect(step).toMatchObject({ id: '06-across-hosts', title: 'Containers across hosts', hosts: 'multi' });
    expect(step.parameters.map((parameter) => parameter.name)).toEqual(['HOSTS', 'TUNNEL_TYPE']);
    expect(step.parameters[0]).toEqual(HOSTS_PARAMETER);
  });

  test('HOSTS comes from the library: added to a multi-host step, never to a single-host one, refused in step.json', () => {
    expect(LabStepDefinition.fromFolder(path.join(FIXTURE_STEPS, '01-first-step')).parameters.map((parameter) => parameter.name)).not.toContain('HOSTS');
    const folder = stepFolder({ 'step.json': stepJson([{ name: 'HOSTS', description: 'pasted', default: '', allowedPattern: '^.*$' }]) });
    expect(() => LabStepDefinition.fromFolder(folder)).toThrow('HOSTS is added by the library to every step whose topology has several hosts; remove it from step.json');
  });


  test('lists a folder of steps sorted; the built-in list reads assets/steps', () => {
    expect(LabStepDefinition.listFolder(FIXTURE_STEPS).map((step) => step.id)).toEqual(['01-first-step', '06-across-hosts']);
    expect(LabStepDefinition.builtInDirectory()).toBe(path.resolve(REPOSITORY, 'assets', 'steps'));
    const builtIn = LabStep.builtInSteps().map((step) => step.id);
    expect(builtIn).toEqual([...builtIn].sort());
    expect(builtIn.length).toBeGreaterThan(0);
  });

  test.each([
    ['a bad folder name', {}, '6-across-hosts', 'the folder name must be two digits'],
    ['a missing file', { 'reset.sh': null }, undefined, 'missing reset.sh'],
    ['invalid JSON', { 'step.json': '{ title: ' }, undefined, 'step.json is not valid JSON'],
    ['an unknown key', { 'step.json': stepJson([], { hostz: 'multi' }) }, undefined, "unknown key 'hostz'"],
    ['bad hosts', { 'step.json': stepJson([], { hosts: 'many' }) }, undefined, `'hosts' is "many"; allowed: "single" or "multi"`],
    ['no title', { 'step.json': stepJson([], { title: '' }) }, undefined, "'title' must be a non-empty string"],
    ['a lower case parameter name', { 'step.json': stepJson([{ name: 'tunnel', description: 'd', default: 'gre', allowedPattern: '^gre$' }]) }, undefined, "'name' must be upper case"],
    ['a default not matching its pattern', { 'step.json': stepJson([{ name: 'T', description: 'd', default: 'ipip', allowedPattern: '^(gre|vxlan)$' }]) }, undefined, "'default' \"ipip\" does not match its allowedPattern"],
    ['an unsafe default', { 'step.json': stepJson([{ name: 'T', description: 'd', default: 'a;b', allowedPattern: '.*' }]) }, undefined, 'may only contain letters, digits and . , : / _ -'],
    ['a bad pattern', { 'step.json': stepJson([{ name: 'T', description: 'd', default: 'a', allowedPattern: '(' }]) }, undefined, 'is not a valid regular expression'],
    ['a guide without heading', { 'guide.md': 'Just text\n' }, undefined, "guide.md must start with a heading '# Step N: Title'"],
    ['a guide with the wrong number', { 'guide.md': '# Step 5: Tunnels\n\nSummary.\n' }, undefined, 'guide.md says Step 5 but the folder is step 6'],
    ['a guide without summary', { 'guide.md': '# Step 6: Tunnels\n\n## Next\n' }, undefined, 'needs a summary paragraph'],
    ['a script without the helpers line', { 'check.sh': '#!/usr/bin/env bash\nset -euo pipefail\npass ok\n' }, undefined, 'check.sh: Step 06-across-hosts check: the script must load the helpers'],
  ])('rejects %s', (_what, changes, name, message) => {
    expect(() => LabStepDefinition.fromFolder(stepFolder(changes as Record<string, string | null>, name))).toThrow(message);
  });
});

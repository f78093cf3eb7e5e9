import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StepHosts } from '../../../tools/rehearsal/hosts';
import { stepPassed } from '../../../tools/rehearsal/report';
import { rehearseStep, writeDocumentScript } from '../../../tools/rehearsal/runner';

describe('writeDocumentScript', () => {
  test('writes the document\'s script to <dir>/<step>/<action>.sh, as the SSM agent would, not executable (run with sh FILE)', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-scripts-'));
    const file = writeDocumentScript({
      stepId: '06-across-hosts', action: 'check', templateFile: 't.json', logicalId: 'Doc', script: '#!/bin/bash\necho hi\n', parameters: [],
    }, directory);
    expect(file).toBe(path.join(directory, '06-across-hosts', 'check.sh'));
    expect(fs.readFileSync(file, 'utf8')).toBe('#!/bin/bash\necho hi\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
  });
});

describe('rehearseStep', () => {
  test('a step whose topology has no machine (topologies=single, step 06 deployed) fails with that problem instead of passing on no host', async () => {
    const untouchable: StepHosts = {
      snapshot: async () => { throw new Error('no host to look at'); },
      actionCommand: async () => { throw new Error('no host to run on'); },
      dockerAnswers: async () => { throw new Error('no host to ask'); },
      restartDocker: async () => { throw new Error('no host to restart'); },
    };
    const printed: string[] = [];
    const parameters = [{ name: 'HOSTS', default: '' }];
    const document = { stepId: '06-across-hosts', templateFile: 't.json', logicalId: 'Doc', script: 'true\n', parameters };
    const step = {
      id: '06-across-hosts', parameters, multiHost: true, topology: 'multi' as const, problems: [],
      documents: { run: { ...document, action: 'run' as const }, check: { ...document, action: 'check' as const }, reset: { ...document, action: 'reset' as const } },
    };
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-runner-'));
    const result = await rehearseStep(step, { label: 'gre', values: {} }, [], {
      hosts: untouchable, logDirectory: directory, scriptDirectory: directory, actionTimeoutSeconds: 60,
      print: (line) => printed.push(line), interrupted: () => false,
    }).finally(() => fs.rmSync(directory, { recursive: true, force: true }));
    expect(result.problem).toBe('no machine of topology multi in the template');
    expect(result.entries).toEqual([]);
    expect(stepPassed(result)).toBe(false);
    expect(printed).toEqual(['[06-across-hosts gre] cannot be rehearsed: no machine of topology multi in the template']);
  });
});

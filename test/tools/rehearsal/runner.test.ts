import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeDocumentScript } from '../../../tools/rehearsal/runner';

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

import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { REPOSITORY } from '../fixtures/cdk';
import { sourceFiles } from '../fixtures/source-files';

/**
 * No function longer than a screen: about 80 lines (the developers' guide),
 * in the library, the tools and the entry points.
 */
const LIMIT = 80;
const FOLDERS = ['lib', 'tools', 'bin'];

/** `file:line name (N lines)` for every function-like node longer than the limit. */
function longFunctions(file: string): string[] {
  const text = fs.readFileSync(path.join(REPOSITORY, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      const lines = end - start + 1;
      if (lines > LIMIT) {
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : ts.isConstructorDeclaration(node) ? 'constructor' : '(anonymous)';
        found.push(`${file}:${start} ${name} (${lines} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test(`no function in ${FOLDERS.join('/, ')}/ is longer than ${LIMIT} lines`, () => {
  const files = FOLDERS.flatMap(sourceFiles);
  expect(files.length).toBeGreaterThan(50);
  expect(files.flatMap(longFunctions)).toEqual([]);
});

test('the measure finds a long function (so the test above can fail)', () => {
  const body = Array.from({ length: LIMIT + 1 }, (_, index) => `  const v${index} = ${index};`).join('\n');
  const file = path.join(fs.mkdtempSync(path.join(REPOSITORY, 'cdk.out.fnlen-')), 'long.ts');
  fs.writeFileSync(file, `export function long(): void {\n${body}\n}\n`);
  try {
    expect(longFunctions(path.relative(REPOSITORY, file))).toEqual([`${path.relative(REPOSITORY, file)}:1 long (${LIMIT + 3} lines)`]);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

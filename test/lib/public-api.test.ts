/**
 * The public API (everything lib/index.ts exports) as the TypeScript compiler
 * sees it: props and options interfaces are documented and read-only, optional
 * ones say their @default, and nothing comes from an internal module.
 */
import * as path from 'path';
import * as ts from 'typescript';
import { REPOSITORY } from '../fixtures/cdk';

const root = REPOSITORY;
const entry = path.join(root, 'lib', 'index.ts');
const program = ts.createProgram([entry], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true });
const checker = program.getTypeChecker();
const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!)
  .map((symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol));
const relative = (node: ts.Node): string => path.relative(root, node.getSourceFile().fileName).split(path.sep).join('/');

test('the public API has the constructs and props a workshop author needs', () => {
  const names = exported.map((symbol) => symbol.getName());
  for (const name of [
    'LabNetwork', 'LabNetworkProps', 'LabHost', 'LabHostProps', 'HostComponent', 'HostComponentOptions',
    'LabStep', 'LabStepProps', 'LabStepDefinition', 'SingleHostTopology', 'MultiHostTopology',
    'WorkshopStack', 'WorkshopStackProps', 'AttendeeStack', 'AttendeeStackProps',
  ]) {
    expect(names).toContain(name);
  }
});

test('nothing public is declared in an internal module', () => {
  const internal = exported.flatMap((symbol) => (symbol.declarations ?? []).map((declaration) => `${symbol.getName()} (${relative(declaration)})`))
    .filter((where) => /\((lib\/(ops|rehearsal|emulator)\/|.*\/private\/)/.test(where));
  expect(internal).toEqual([]);
});

test('props and options: readonly, one-line doc, @default on optional ones', () => {
  const problems: string[] = [];
  for (const symbol of exported) {
    const declaration = symbol.declarations?.find(ts.isInterfaceDeclaration);
    if (!declaration || !/(Props|Options)$/.test(symbol.getName())) continue;
    for (const member of declaration.members) {
      if (!ts.isPropertySignature(member)) continue;
      const name = `${symbol.getName()}.${member.name.getText()}`;
      if (!member.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ReadonlyKeyword)) problems.push(`${name} is not readonly`);
      const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
      const text = docs.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '').join('').trim();
      if (text === '') problems.push(`${name} has no doc comment`);
      if (member.questionToken && !ts.getJSDocTags(member).some((tag) => tag.tagName.text === 'default')) problems.push(`${name} is optional without @default`);
    }
  }
  expect(problems).toEqual([]);
});

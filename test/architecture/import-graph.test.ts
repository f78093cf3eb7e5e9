import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { bundleInputs, bundleProblems, LAB_BUNDLE_OPTIONS } from '../../tools/build/lab-bundle';
import { REPOSITORY } from '../fixtures/cdk';
import { sourceFiles } from '../fixtures/source-files';

/**
 * The folders show the architecture, and this test keeps it so: the library
 * (lib/) never uses the tools (tools/); the contract (lib/contract) stands
 * alone, with no CDK; the lab command runs without the CDK; no import cycles.
 */

/** The module specifiers a file imports (static, dynamic, require, export ... from). */
function specifiersOf(file: string): string[] {
  const text = fs.readFileSync(path.join(REPOSITORY, file), 'utf8');
  const patterns = [/\bfrom\s+'([^']+)'/g, /\bimport\s+'([^']+)'/g, /\brequire\(\s*'([^']+)'\s*\)/g, /\bimport\(\s*'([^']+)'\s*\)/g];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]));
}

/** A relative specifier resolved to a repository file (`lib/contract` -> `lib/contract/index.ts`), or the package name. */
function resolve(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) {
    return specifier;
  }
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  const candidates = [`${base}.ts`, `${base}/index.ts`, base];
  return candidates.find((candidate) => fs.existsSync(path.join(REPOSITORY, candidate))) ?? base;
}

/** The one module of lib/ besides the contract that tools/lab may use: plain data and arithmetic. */
const PRICE_TABLE = 'lib/cost/prices.ts';

describe('import direction', () => {
  let files: string[];
  let graph: Map<string, string[]>;
  beforeAll(() => {
    files = [...sourceFiles('lib'), ...sourceFiles('tools'), ...sourceFiles('bin')];
    graph = new Map(files.map((file) => [file, specifiersOf(file).map((specifier) => resolve(file, specifier))]));
  });

  test('lib/ never imports tools/ or bin/', () => {
    const wrong = [...graph].filter(([file]) => file.startsWith('lib/'))
      .flatMap(([file, targets]) => targets.filter((target) => target.startsWith('tools/') || target.startsWith('bin/')).map((target) => `${file} -> ${target}`));
    expect(wrong).toEqual([]);
  });

  test('lib/contract imports nothing but itself: no package (no aws-cdk-lib, no constructs), no other part of lib/', () => {
    const contract = [...graph].filter(([file]) => file.startsWith('lib/contract/'));
    expect(contract.length).toBeGreaterThan(0);
    const wrong = contract.flatMap(([file, targets]) => targets.filter((target) => !target.startsWith('lib/contract/')).map((target) => `${file} -> ${target}`));
    expect(wrong).toEqual([]);
  });

  test('the tools take from lib/ only the contract and what the CDK side of a tool needs; tools/lab only the contract and the price table', () => {
    const wrong = [...graph].filter(([file]) => file.startsWith('tools/lab/'))
      .flatMap(([file, targets]) => targets.filter((target) => target.startsWith('lib/') && !target.startsWith('lib/contract/') && target !== PRICE_TABLE).map((target) => `${file} -> ${target}`));
    expect(wrong).toEqual([]);
  });

  test('the price table (lib/cost/prices.ts), which the lab command reads, imports nothing: it stays free of CDK code', () => {
    expect(graph.get(PRICE_TABLE)).toEqual([]);
  });

  test('no import cycles in lib/, tools/ or bin/', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') {
        return;
      }
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) {
        if (graph.has(target)) {
          visit(target, [...trail, file]);
        }
      }
      state.set(file, 'done');
    };
    files.forEach((file) => visit(file, []));
    expect(cycles).toEqual([]);
  });
});

describe('the bundled lab command', () => {
  let inputs: string[];
  beforeAll(() => {
    const result = buildSync({ ...LAB_BUNDLE_OPTIONS, write: false, metafile: true, logLevel: 'silent', outfile: 'lab.js', absWorkingDir: REPOSITORY });
    inputs = bundleInputs(result.metafile);
  });

  test('bin/lab.ts, bundled as npm run build does, has the lab command and the SDK in it and no CDK code: no aws-cdk-lib, constructs or cdk-nag, of lib/ only the contract and the price table', () => {
    expect(inputs).toContain('tools/lab/cli.ts');
    expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/client-ssm/'))).toBe(true);
    expect(inputs.filter((input) => /node_modules\/(aws-cdk-lib|constructs|cdk-nag)\//.test(input))).toEqual([]);
    expect(bundleProblems(inputs)).toEqual([]);
  });

  test('bundleProblems names CDK code, other parts of lib/ and other tools (so the test above can fail)', () => {
    expect(bundleProblems(['node_modules/aws-cdk-lib/core/index.js', 'lib/host/lab-host.ts', 'lib/contract/tags.ts', 'lib/cost/prices.ts', 'tools/rehearsal/plan.ts', 'tools/lab/cli.ts'])).toEqual([
      'CDK code: node_modules/aws-cdk-lib/core/index.js',
      'a part of the library other than lib/contract and lib/cost/prices.ts: lib/host/lab-host.ts',
      'another tool: tools/rehearsal/plan.ts',
    ]);
  });
});

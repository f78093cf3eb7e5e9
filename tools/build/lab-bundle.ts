import * as path from 'path';
import { build, BuildOptions, Metafile } from 'esbuild';

/** The repository root (this file is tools/build/lab-bundle.ts). */
const ROOT = path.resolve(__dirname, '..', '..');

/** The lab command's entry point. */
export const LAB_ENTRY_POINT = path.join(ROOT, 'bin', 'lab.ts');

/** Where `npm run build` writes the bundle, which the package's `lab` bin runs (through bin/lab.js). */
export const LAB_BUNDLE = path.join(ROOT, 'dist', 'bin', 'lab.js');

/**
 * How the lab command is bundled: one CommonJS file for Node.js 20 with its
 * dependencies inside (the AWS SDK clients and their helpers), so starting it
 * reads one file instead of resolving hundreds of modules. `module` before
 * `main` takes the SDK's ES module builds, which esbuild can shake down to the
 * commands the lab command sends (about half the size of the CommonJS builds).
 * Not minified: a stack trace from an organiser's terminal stays readable.
 */
export const LAB_BUNDLE_OPTIONS: BuildOptions = {
  entryPoints: [LAB_ENTRY_POINT],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  legalComments: 'eof',
  logLevel: 'warning',
};

/** Packages whose code must never be in the bundle: the lab command runs without the CDK. */
export const FORBIDDEN_IN_LAB_BUNDLE = /(^|\/)node_modules\/(aws-cdk-lib|constructs|cdk-nag|aws-cdk)\//;

/** The repository files and packages a bundle was made of, POSIX paths relative to the repository. */
export function bundleInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).map((input) => input.split(path.sep).join('/'));
}

/**
 * What a bundle must not contain, one line each: CDK packages, parts of lib/
 * other than the contract and the price table, tools other than the lab command.
 */
export function bundleProblems(inputs: readonly string[]): string[] {
  return [
    ...inputs.filter((input) => FORBIDDEN_IN_LAB_BUNDLE.test(input)).map((input) => `CDK code: ${input}`),
    ...inputs.filter((input) => input.startsWith('lib/') && !input.startsWith('lib/contract/') && input !== 'lib/cost/prices.ts')
      .map((input) => `a part of the library other than lib/contract and lib/cost/prices.ts: ${input}`),
    ...inputs.filter((input) => input.startsWith('tools/') && !input.startsWith('tools/lab/')).map((input) => `another tool: ${input}`),
  ];
}

/** Writes the bundle; throws when it would contain something {@link bundleProblems} names. */
export async function bundleLabCommand(outfile: string = LAB_BUNDLE): Promise<{ outfile: string; bytes: number; inputs: string[] }> {
  const result = await build({ ...LAB_BUNDLE_OPTIONS, outfile, metafile: true, absWorkingDir: ROOT });
  const inputs = bundleInputs(result.metafile);
  const problems = bundleProblems(inputs);
  if (problems.length > 0) {
    throw new Error(`the lab command's bundle ${outfile} must not contain:\n  ${problems.join('\n  ')}`);
  }
  const output = Object.values(result.metafile.outputs)[0];
  return { outfile, bytes: output?.bytes ?? 0, inputs };
}

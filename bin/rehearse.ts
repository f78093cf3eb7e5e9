#!/usr/bin/env node
/**
 * npm run rehearse: boots the lab hosts of the synthesized templates as
 * rehearsal machines on this computer and runs every lab step's SSM documents
 * on them. See docs/rehearsal.md and `npm run rehearse -- --help`.
 */
import * as path from 'path';
import { parseOptions, USAGE } from '../tools/rehearsal/options';
import { rehearse } from '../tools/rehearsal/rehearsal';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (process.getuid && process.getuid() !== 0) {
    process.stderr.write('The rehearsal needs root (network namespaces, Docker engines, Open vSwitch).\n');
    return 2;
  }
  return rehearse(options, path.resolve(__dirname, '..'));
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`rehearse: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);

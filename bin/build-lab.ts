#!/usr/bin/env node
/**
 * Bundles the lab command into dist/bin/lab.js (part of `npm run build`): one
 * file with the AWS SDK inside and no CDK code, which the package's `lab` bin
 * runs. `npm run build:lab -- OUTFILE` writes it elsewhere.
 */
import * as path from 'path';
import { bundleLabCommand, LAB_BUNDLE } from '../tools/build/lab-bundle';

bundleLabCommand(process.argv[2] ? path.resolve(process.argv[2]) : LAB_BUNDLE).then(
  ({ outfile, bytes, inputs }) => {
    const packages = new Set(inputs.filter((input) => input.includes('node_modules/')).map((input) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(input)?.[1]));
    console.log(`build-lab: ${path.relative(process.cwd(), outfile)}: ${(bytes / 1e6).toFixed(2)} MB, ${inputs.length} modules from ${packages.size} packages, no CDK code`);
  },
  (error: Error) => {
    console.error(`build-lab: ${error.message}`);
    process.exitCode = 1;
  },
);

#!/usr/bin/env node
/**
 * The lab command: run, check and reset lab steps on attendees' hosts through
 * SSM, and list the hosts. `npx lab --help`, docs/lab-command.md.
 */
import * as path from 'path';
import { createLabContext } from '../lib/ops/context';
import { runLabCli } from '../lib/ops/cli';

runLabCli(process.argv.slice(2), {
  createContext: (workshop) => createLabContext(workshop),
  stdout: (text) => process.stdout.write(text),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  // bin/ in a clone, dist/bin/ once compiled: the package root either way.
  repositoryRoot: path.resolve(__dirname, path.basename(path.dirname(__dirname)) === 'dist' ? '../..' : '..'),
}).then(
  (code) => { process.exitCode = code; },
  (error: Error) => {
    process.stderr.write(`lab: ${error.stack ?? error.message}\n`);
    process.exitCode = 3;
  },
);

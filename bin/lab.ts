#!/usr/bin/env node
/**
 * The lab command: run, check and reset lab steps on attendees' hosts through
 * SSM, and list the hosts. `npx lab --help`, docs/lab-command.md.
 */
import { createLabContext } from '../tools/lab/aws/context';
import { runLabCli } from '../tools/lab/cli';

runLabCli(process.argv.slice(2), {
  createContext: (workshop) => createLabContext(workshop),
  stdout: (text) => process.stdout.write(text),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
}).then(
  (code) => { process.exitCode = code; },
  (error: Error) => {
    process.stderr.write(`lab: ${error.stack ?? error.message}\n`);
    process.exitCode = 3;
  },
);

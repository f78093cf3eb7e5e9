#!/usr/bin/env node
/**
 * The lab command: run, check and reset lab steps on attendees' hosts through
 * SSM, and list the hosts. `npx lab --help`, docs/lab-command.md.
 */
import { createLabContext } from '../tools/lab/aws/context';
import { runLabCli } from '../tools/lab/cli';

// Ctrl-C ends the process, unless a verb asked to handle it (the watch stops
// cleanly on the first; a second one ends the process all the same).
let onInterrupt: (() => void) | undefined;
let interrupted = false;
process.on('SIGINT', () => {
  const handler = onInterrupt;
  onInterrupt = undefined;
  if (handler) {
    interrupted = true;
    handler();
  } else {
    process.exit(130);
  }
});

runLabCli(process.argv.slice(2), {
  createContext: (workshop) => createLabContext(workshop),
  stdout: (text) => process.stdout.write(text),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  interactive: process.stdout.isTTY === true,
  onInterrupt: (handler) => { onInterrupt = handler; },
}).then(
  (code) => {
    process.exitCode = code;
    if (interrupted) {
      // A call still in flight (an endpoint that does not answer) must not keep the process alive.
      process.exit(code);
    }
  },
  (error: Error) => {
    process.stderr.write(`lab: ${error.stack ?? error.message}\n`);
    process.exitCode = 3;
  },
);

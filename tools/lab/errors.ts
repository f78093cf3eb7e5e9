/**
 * Invalid input from the person running the lab command: an unknown step,
 * attendee or parameter, a bad option. The CLI prints the message (which names
 * the input and what is allowed) and exits with {@link EXIT_CODES.invalidInput}.
 */
export class LabInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabInputError';
  }
}

/** The lab command's exit codes (docs/lab-command.md lists them for organisers). */
export const EXIT_CODES = {
  /** Everything asked for ran and passed. */
  ok: 0,
  /** At least one host failed, timed out, was offline or not ready, or a check failed. */
  failed: 1,
  /** Invalid input: unknown step, attendee, parameter or option. Nothing was sent. */
  invalidInput: 2,
  /** AWS could not be used: no region, no credentials, access denied, service error. */
  awsError: 3,
} as const;

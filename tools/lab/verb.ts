import { LabContext } from './aws/context';

/** Options every verb takes. */
export const COMMON_OPTIONS = ['workshop', 'timeout', 'help'] as const;

/** What the command line said, checked, as a verb receives it. */
export interface VerbInvocation {
  /** The workshop (validated). */
  readonly workshop: string;
  /** STEP, when the verb takes one and it was given. */
  readonly step?: string;
  /** --attendee, or undefined for every attendee. */
  readonly attendee?: string;
  /** --param NAME=VALUE strings. */
  readonly params: readonly string[];
  readonly timeoutSeconds: number;
  /** --interval (check --watch), default 60. */
  readonly intervalSeconds: number;
  /** --out, when given (cards: a folder, report: a file). */
  readonly out?: string;
  /** Whether stdout is a terminal. */
  readonly interactive: boolean;
  /** Registers what Ctrl-C does (a long-running verb stops cleanly). */
  readonly onInterrupt: (handler: () => void) => void;
  /** Boolean options given (--json, --fast, ...). */
  readonly flags: ReadonlySet<string>;
  /** AWS clients and time for this workshop. */
  readonly context: LabContext;
  readonly stdout: (text: string) => void;
  readonly stderr: (line: string) => void;
}

/**
 * One verb of the lab command (`lab hosts`, `lab run`, ...): a file under
 * verbs/ exporting one of these, listed in verbs/index.ts. The command line
 * is parsed and checked against `options` and `step` before `run` is called.
 */
export interface LabVerb {
  /** The word on the command line. */
  readonly name: string;
  /** Its lines in the usage text, e.g. `  run STEP   run a step on ...`, aligned like the others. */
  readonly usage: string;
  /** The options it takes besides --workshop, --timeout and --help (names from OPTIONS in cli.ts). */
  readonly options: readonly string[];
  /** Whether it takes a STEP operand. */
  readonly step: 'none' | 'optional' | 'required';
  /** Whether it changes hosts, and so needs --attendee NAME or --all. */
  readonly changesHosts: boolean;
  /** Does the work; resolves with the exit code. */
  run(invocation: VerbInvocation): Promise<number>;
}

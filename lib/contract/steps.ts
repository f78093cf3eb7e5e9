import { TOPOLOGIES } from './topologies';

/** The three scripts every lab step has. */
export type StepAction = 'run' | 'check' | 'reset';

/** All step actions, in the order an attendee meets them. */
export const STEP_ACTIONS: readonly StepAction[] = ['run', 'check', 'reset'];

/** Whether a text is a step action. */
export function isStepAction(text: unknown): text is StepAction {
  return typeof text === 'string' && (STEP_ACTIONS as readonly string[]).includes(text);
}

/** Step ids (the step folders' names): two digits, a dash, a lower case slug. */
export const STEP_ID_PATTERN = /^\d\d-[a-z0-9-]+$/;

/** Longest step id: document names `<workshop>-<step>-<action>` must stay within 128 characters. */
export const MAX_STEP_ID_LENGTH = 64;

/** Whether a text is a valid step id: {@link STEP_ID_PATTERN}, at most {@link MAX_STEP_ID_LENGTH} characters. */
export function isValidStepId(text: string): boolean {
  return STEP_ID_PATTERN.test(text) && text.length <= MAX_STEP_ID_LENGTH;
}

/** A step selector that is a step number: one or two digits (`6`, `06`). */
const STEP_NUMBER_SELECTOR = /^\d{1,2}$/;

/**
 * Whether a text is a step selector (see {@link matchesStepSelector}): a step
 * number (`6`, `06`; spaces around it are ignored) or a valid step id.
 */
export function isStepSelector(text: string): boolean {
  return STEP_NUMBER_SELECTOR.test(text.trim()) || isValidStepId(text);
}

/** Whether a step id (`06-across-hosts`) is meant by a selector: the id itself, or its number (`6`, `06`). */
export function matchesStepSelector(stepId: string, selector: string): boolean {
  const trimmed = selector.trim();
  if (STEP_NUMBER_SELECTOR.test(trimmed)) {
    return stepId.startsWith(`${trimmed.padStart(2, '0')}-`);
  }
  return stepId === trimmed;
}

/** Step parameter names: upper case letters, digits, underscores (they become environment variables). */
export const STEP_PARAMETER_NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;

/** A step parameter's declaration, as step.json writes it and the step documents declare it. */
export interface StepParameter {
  /** Parameter and environment variable name: upper case letters, digits, underscores. */
  readonly name: string;
  /** What the parameter is for, shown in the SSM console. */
  readonly description: string;
  /** Value used when the caller passes none. */
  readonly default: string;
  /** Regular expression every value must match (SSM refuses others before running anything). */
  readonly allowedPattern: string;
}

/** One IPv4 address, for {@link HOSTS_PARAMETER}'s pattern. */
const IPV4 = '[0-9]{1,3}(\\.[0-9]{1,3}){3}';

/**
 * The parameter by which the steps of a topology with more than one host
 * receive the hosts' private addresses, in host order. The library adds it to
 * such steps' documents (a step.json does not declare it); the lab command
 * and the rehearsal fill it in.
 */
export const HOSTS_PARAMETER: StepParameter = {
  name: 'HOSTS',
  description: 'Private IPv4 addresses of all hosts of the multi-host topology, in host order, comma-separated (the stack output MultiHostAddresses). The lab command fills it in.',
  default: '',
  allowedPattern: `^$|^${IPV4}(,${IPV4}){0,${Math.max(...Object.values(TOPOLOGIES).map((spec) => spec.maxHosts)) - 1}}$`,
};

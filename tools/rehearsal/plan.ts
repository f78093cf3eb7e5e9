import { HOSTS_PARAMETER, matchesStepSelector, StepAction } from '../../lib/contract';
import { DocumentParameter, TemplateStep } from './documents';

/** The parameter whose values make the variants of the multi-host tunnel step. */
export const TUNNEL_TYPE_PARAMETER = 'TUNNEL_TYPE';

/** One action of a step's rehearsal sequence. */
export interface SequenceEntry {
  readonly action: StepAction;
  /** Column heading in the summary, unique within the sequence. */
  readonly label: string;
  /**
   * `fail`: a check on a host where the step is not set up (never run, or
   * reset); it passes only by failing: exit code other than 0 and a line
   * starting `FAIL:` that says what is missing.
   */
  readonly expect?: 'fail';
}

/**
 * What every step goes through: reset on a host where the step never ran,
 * its check (which must fail there), run and check, reset and check again
 * (which must fail again: the reset took away what the check looks for), run
 * and check again (a step must work twice), then reset twice in a row (reset
 * must be safe to repeat) to leave the host clean.
 */
export const ACTION_SEQUENCE: readonly SequenceEntry[] = [
  { action: 'reset', label: 'reset (before run)' },
  { action: 'check', label: 'check before run', expect: 'fail' },
  { action: 'run', label: 'run' },
  { action: 'check', label: 'check' },
  { action: 'reset', label: 'reset' },
  { action: 'check', label: 'check after reset', expect: 'fail' },
  { action: 'run', label: 'run again' },
  { action: 'check', label: 'check again' },
  { action: 'reset', label: 'final reset' },
  { action: 'reset', label: 'reset twice' },
];

/** A host a step runs on: a rehearsal machine's name and its address on the emulated VPC. */
export interface PlannedHost {
  readonly name: string;
  readonly address: string;
  readonly prefixLength: number;
}

/** One rehearsal of a step with one set of parameter values. */
export interface StepVariant {
  /** e.g. `gre`; empty when the step has one variant. */
  readonly label: string;
  /** Parameter values given (others take the document's default). */
  readonly values: Readonly<Record<string, string>>;
}

/**
 * The variants of a step: one per tunnel type when its documents take
 * TUNNEL_TYPE (and the type matches the parameter's allowed pattern), else one
 * with every parameter at its default.
 */
export function stepVariants(step: TemplateStep, tunnelTypes: readonly string[]): StepVariant[] {
  const tunnel = step.parameters.find((parameter) => parameter.name === TUNNEL_TYPE_PARAMETER);
  if (!tunnel || tunnelTypes.length === 0) {
    return [{ label: '', values: {} }];
  }
  return tunnelTypes.map((type) => ({ label: type, values: { [TUNNEL_TYPE_PARAMETER]: type } }));
}

/**
 * The environment the SSM agent gives a document's script: `SSM_<NAME>=value`
 * for every declared parameter, the given value or else the default. Refuses
 * what SSM refuses before running anything: unknown parameters and values that
 * do not match the allowed pattern.
 */
export function parameterEnvironment(
  parameters: readonly DocumentParameter[],
  given: Readonly<Record<string, string>>,
): Record<string, string> {
  for (const name of Object.keys(given)) {
    if (!parameters.some((parameter) => parameter.name === name)) {
      throw new Error(`Parameter ${name} is not declared by the document (it declares ${parameters.map((p) => p.name).join(', ') || 'none'}).`);
    }
  }
  const environment: Record<string, string> = {};
  for (const parameter of parameters) {
    const value = given[parameter.name] ?? parameter.default;
    if (parameter.allowedPattern !== undefined && !new RegExp(parameter.allowedPattern).test(value)) {
      throw new Error(`Parameter ${parameter.name}: value ${JSON.stringify(value)} does not match its allowedPattern ${parameter.allowedPattern}.`);
    }
    environment[`SSM_${parameter.name}`] = value;
  }
  return environment;
}

/** The parameter values of a variant on its hosts: the variant's values plus HOSTS for a multi-host step. */
export function variantValues(step: TemplateStep, variant: StepVariant, hosts: readonly PlannedHost[]): Record<string, string> {
  return {
    ...variant.values,
    ...(step.multiHost ? { [HOSTS_PARAMETER.name]: hosts.map((host) => host.address).join(',') } : {}),
  };
}

/**
 * Picks steps by `--steps`: each selector is a full id (`06-across-hosts`) or
 * its number (`06`, `6`), as the lab command takes them (matchesStepSelector).
 * Unknown selectors are an error.
 */
export function selectSteps<T extends { id: string }>(steps: readonly T[], selectors: readonly string[] | undefined): T[] {
  if (!selectors || selectors.length === 0) {
    return [...steps];
  }
  const unknown = selectors.filter((selector) => !steps.some((step) => matchesStepSelector(step.id, selector)));
  if (unknown.length > 0) {
    throw new Error(`--steps: no step ${unknown.join(', ')} in the templates (steps found: ${steps.map((step) => step.id).join(', ') || 'none'}).`);
  }
  return steps.filter((step) => selectors.some((selector) => matchesStepSelector(step.id, selector)));
}

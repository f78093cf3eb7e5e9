import * as fs from 'fs';
import * as path from 'path';
import {
  HOSTS_PARAMETER, isTopologyKind, isValidStepId, MAX_STEP_ID_LENGTH, STEP_ACTIONS, STEP_ID_PATTERN, STEP_PARAMETER_NAME_PATTERN, StepAction,
  StepParameter, takesHostsParameter, TopologyKind, TOPOLOGY_KINDS,
} from '../contract';
import { assetPath } from '../private/assets';
import { composeDocumentScript, readRequiredFile } from './document-content';

/** The files every step folder has. */
export const STEP_FILES = ['guide.md', 'run.sh', 'check.sh', 'reset.sh', 'step.json'] as const;

/** Characters a parameter default may contain: nothing a shell would interpret. */
const SAFE_DEFAULT = /^[A-Za-z0-9.,:/_-]*$/;

/** The keys step.json may have. */
const STEP_JSON_KEYS = ['title', 'hosts', 'parameters', 'images'];

/** Names of lab images (folders of the images directory, built as cnlab/<name>). */
const IMAGE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** The keys a parameter in step.json may have. */
const PARAMETER_KEYS = ['name', 'description', 'default', 'allowedPattern'];

/**
 * A lab step read from its folder `NN-slug/` (guide.md, run.sh, check.sh,
 * reset.sh, step.json; see docs/design.md "Lab steps") and validated. This is
 * data only; {@link LabStep} turns it into SSM documents.
 */
export class LabStepDefinition {
  /**
   * Reads and validates a step folder. Throws one error listing every problem.
   * @param folder path of the step folder, whose name is the step id
   */
  public static fromFolder(folder: string): LabStepDefinition {
    return new LabStepDefinition(path.resolve(folder));
  }

  /**
   * All steps in a folder of step folders, sorted by id.
   * @param directory folder holding `NN-slug/` folders
   * @default - the package's built-in steps, `assets/steps/`
   */
  public static listFolder(directory: string = LabStepDefinition.builtInDirectory()): LabStepDefinition[] {
    if (!fs.existsSync(directory)) {
      return [];
    }
    return fs.readdirSync(directory, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort()
      .map((name) => LabStepDefinition.fromFolder(path.join(directory, name)));
  }

  /** The folder holding the package's built-in steps. */
  public static builtInDirectory(): string {
    return assetPath('steps');
  }

  /** Step id, the folder name, e.g. `06-across-hosts`. */
  public readonly id: string;
  /** Absolute path of the step folder. */
  public readonly folder: string;
  /** Step title from step.json. */
  public readonly title: string;
  /** The kind of topology the step runs on (step.json `hosts`); its documents are tagged with it. */
  public readonly hosts: TopologyKind;
  /** The step's parameters: HOSTS first when its topology can have several hosts, then those of step.json. */
  public readonly parameters: readonly StepParameter[];
  /** The guide's first paragraph: what the step is about. */
  public readonly summary: string;
  /** Script text per action. */
  public readonly scripts: Readonly<Record<StepAction, string>>;
  /**
   * The lab images the step's scripts use (step.json `images`), so that a host
   * builds only the images of its steps; undefined when step.json does not
   * say, and then a host of its topology builds every image.
   */
  public readonly images?: readonly string[];

  private constructor(folder: string) {
    this.folder = folder;
    this.id = path.basename(folder);
    const what = `Lab step ${this.id}`;
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
      throw new Error(`${what}: folder ${folder} does not exist.`);
    }
    const problems: string[] = [];
    if (!isValidStepId(this.id)) {
      problems.push(`the folder name must be two digits, a dash and a slug of lower case letters, digits and dashes, up to ${MAX_STEP_ID_LENGTH} characters (e.g. 06-across-hosts)`);
    }
    const missing = STEP_FILES.filter((name) => !fs.existsSync(path.join(folder, name)));
    if (missing.length > 0) {
      throw new Error(`${what} (${folder}): missing ${missing.join(', ')}; a step folder needs ${STEP_FILES.join(', ')}.`);
    }
    const spec = readStepJson(folder, what, problems);
    const hosts = isTopologyKind(spec.hosts) ? spec.hosts : undefined;
    if (!hosts) {
      problems.push(`step.json 'hosts' is ${JSON.stringify(spec.hosts)}; allowed: ${TOPOLOGY_KINDS.map((kind) => JSON.stringify(kind)).join(' or ')}`);
    }
    const declared = readParameters(spec.parameters, problems);
    const images = readImages(spec.images, problems);
    const parameters = hosts && takesHostsParameter(hosts) ? [HOSTS_PARAMETER, ...declared] : declared;
    const summary = readGuideSummary(folder, this.id, what, problems);
    const scripts = Object.fromEntries(STEP_ACTIONS.map((action) => [action, readRequiredFile(folder, `${action}.sh`, what)])) as Record<StepAction, string>;
    for (const action of STEP_ACTIONS) {
      try {
        composeDocumentScript({ stepId: this.id, action, script: scripts[action], helpers: '', parameters, description: '' });
      } catch (error) {
        problems.push(`${action}.sh: ${(error as Error).message}`);
      }
    }
    if (problems.length > 0) {
      throw new Error(`${what} (${folder}) is not valid:\n  - ${problems.join('\n  - ')}`);
    }
    this.title = String(spec.title).trim();
    this.hosts = hosts as TopologyKind;
    this.parameters = parameters;
    this.summary = summary;
    this.scripts = scripts;
    this.images = images;
  }
}

/** step.json's `images`: a list of image names, or undefined; problems are added to the list. */
function readImages(raw: unknown, problems: string[]): string[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.some((name) => typeof name !== 'string' || !IMAGE_NAME.test(name))) {
    problems.push(`step.json 'images' must be a list of lab image names (folders of the images directory, e.g. ["hello", "client"]); got ${JSON.stringify(raw).slice(0, 80)}`);
    return undefined;
  }
  return [...new Set(raw as string[])].sort();
}

/** step.json as an object with known keys and a title; problems are added to the list. */
function readStepJson(folder: string, what: string, problems: string[]): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(readRequiredFile(folder, 'step.json', what));
  } catch (error) {
    throw new Error(`${what}: step.json is not valid JSON (${(error as Error).message}).`);
  }
  const spec = (typeof json === 'object' && json !== null && !Array.isArray(json)) ? json as Record<string, unknown> : {};
  if (spec !== json) {
    problems.push('step.json must be an object');
  }
  for (const key of Object.keys(spec)) {
    if (!STEP_JSON_KEYS.includes(key)) {
      problems.push(`step.json has an unknown key '${key}' (allowed: ${STEP_JSON_KEYS.join(', ')})`);
    }
  }
  if (typeof spec.title !== 'string' || spec.title.trim() === '') {
    problems.push("step.json 'title' must be a non-empty string");
  }
  return spec;
}

/** step.json's `parameters`, each checked; problems are added to the list. */
function readParameters(raw: unknown, problems: string[]): StepParameter[] {
  if (raw !== undefined && !Array.isArray(raw)) {
    problems.push("step.json 'parameters' must be a list");
  }
  const parameters: StepParameter[] = [];
  for (const [index, entry] of (Array.isArray(raw) ? raw : []).entries()) {
    const parameter = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const label = `step.json parameter ${index + 1}${typeof parameter.name === 'string' ? ` (${parameter.name})` : ''}`;
    const checked = checkParameter(parameter, label, problems);
    if (checked && parameters.some((other) => other.name === checked.name)) {
      problems.push(`${label}: the name is used twice`);
    }
    if (checked) {
      parameters.push(checked);
    }
  }
  return parameters;
}

/** One parameter of step.json, or undefined when it is too broken to use; problems are added to the list. */
function checkParameter(parameter: Record<string, unknown>, label: string, problems: string[]): StepParameter | undefined {
  const unknownKeys = Object.keys(parameter).filter((key) => !PARAMETER_KEYS.includes(key));
  if (unknownKeys.length > 0) {
    problems.push(`${label} has unknown keys ${unknownKeys.join(', ')} (allowed: ${PARAMETER_KEYS.join(', ')})`);
  }
  if (typeof parameter.name !== 'string' || !STEP_PARAMETER_NAME_PATTERN.test(parameter.name)) {
    problems.push(`${label}: 'name' must be upper case letters, digits and underscores, starting with a letter`);
    return undefined;
  }
  if (parameter.name === HOSTS_PARAMETER.name) {
    problems.push(`${label}: ${HOSTS_PARAMETER.name} is added by the library to every step whose topology has several hosts; remove it from step.json`);
    return undefined;
  }
  if (typeof parameter.description !== 'string' || parameter.description.trim() === '') {
    problems.push(`${label}: 'description' must be a non-empty string`);
  }
  if (typeof parameter.allowedPattern !== 'string' || parameter.allowedPattern === '') {
    problems.push(`${label}: 'allowedPattern' must be a regular expression`);
    return undefined;
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(parameter.allowedPattern);
  } catch {
    problems.push(`${label}: 'allowedPattern' ${JSON.stringify(parameter.allowedPattern)} is not a valid regular expression`);
    return undefined;
  }
  if (typeof parameter.default !== 'string') {
    problems.push(`${label}: 'default' must be a string`);
    return undefined;
  }
  if (!SAFE_DEFAULT.test(parameter.default)) {
    problems.push(`${label}: 'default' ${JSON.stringify(parameter.default)} may only contain letters, digits and . , : / _ -`);
  }
  if (!pattern.test(parameter.default)) {
    problems.push(`${label}: 'default' ${JSON.stringify(parameter.default)} does not match its allowedPattern ${parameter.allowedPattern}`);
  }
  return { name: parameter.name, description: String(parameter.description ?? ''), default: parameter.default, allowedPattern: parameter.allowedPattern };
}

/** guide.md: '# Step N: Title', then the summary paragraph, which is returned; problems are added to the list. */
function readGuideSummary(folder: string, stepId: string, what: string, problems: string[]): string {
  const lines = readRequiredFile(folder, 'guide.md', what).replace(/\r\n/g, '\n').split('\n');
  const heading = /^# Step (\d+): \S/.exec(lines[0] ?? '');
  if (!heading) {
    problems.push("guide.md must start with a heading '# Step N: Title'");
  } else if (STEP_ID_PATTERN.test(stepId) && Number(heading[1]) !== Number(stepId.slice(0, 2))) {
    problems.push(`guide.md says Step ${heading[1]} but the folder is step ${Number(stepId.slice(0, 2))}`);
  }
  const paragraphs = lines.slice(1).join('\n').split(/\n\s*\n/).map((block) => block.trim()).filter((block) => block !== '');
  const summary = (paragraphs[0] ?? '').replace(/\s+/g, ' ');
  if (summary === '' || summary.startsWith('#')) {
    problems.push('guide.md needs a summary paragraph right after its heading');
  }
  return summary;
}

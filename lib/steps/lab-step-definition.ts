import * as fs from 'fs';
import * as path from 'path';
import { assetPath } from '../private/assets';
import { composeDocumentScript, readRequiredFile, STEP_ACTIONS, StepAction, StepParameter } from './document-content';

/** Which topology a step runs on. */
export type StepHosts = 'single' | 'multi';

/** The files every step folder has. */
export const STEP_FILES = ['guide.md', 'run.sh', 'check.sh', 'reset.sh', 'step.json'] as const;

/** Step folder names: two digits, a dash, a lower case slug. */
export const STEP_ID_PATTERN = /^\d\d-[a-z0-9-]+$/;

/** Characters a parameter default may contain: nothing a shell would interpret. */
const SAFE_DEFAULT = /^[A-Za-z0-9.,:/_-]*$/;

/** Parameter names: upper case letters, digits, underscores (they become environment variables). */
const PARAMETER_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Longest step id: document names `<workshop>-<step>-<action>` must stay within 128 characters. */
const MAX_STEP_ID_LENGTH = 64;

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
  /** Topology the step runs on. */
  public readonly hosts: StepHosts;
  /** The step's parameters. */
  public readonly parameters: readonly StepParameter[];
  /** The guide's first paragraph: what the step is about. */
  public readonly summary: string;
  /** Script text per action. */
  public readonly scripts: Readonly<Record<StepAction, string>>;

  private constructor(folder: string) {
    this.folder = folder;
    this.id = path.basename(folder);
    const what = `Lab step ${this.id}`;
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
      throw new Error(`${what}: folder ${folder} does not exist.`);
    }
    const problems: string[] = [];
    if (!STEP_ID_PATTERN.test(this.id) || this.id.length > MAX_STEP_ID_LENGTH) {
      problems.push(`the folder name must be two digits, a dash and a slug of lower case letters, digits and dashes, up to ${MAX_STEP_ID_LENGTH} characters (e.g. 06-across-hosts)`);
    }
    const missing = STEP_FILES.filter((name) => !fs.existsSync(path.join(folder, name)));
    if (missing.length > 0) {
      throw new Error(`${what} (${folder}): missing ${missing.join(', ')}; a step folder needs ${STEP_FILES.join(', ')}.`);
    }

    // step.json
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
      if (!['title', 'hosts', 'parameters'].includes(key)) {
        problems.push(`step.json has an unknown key '${key}' (allowed: title, hosts, parameters)`);
      }
    }
    if (typeof spec.title !== 'string' || spec.title.trim() === '') {
      problems.push("step.json 'title' must be a non-empty string");
    }
    if (spec.hosts !== 'single' && spec.hosts !== 'multi') {
      problems.push(`step.json 'hosts' is ${JSON.stringify(spec.hosts)}; allowed: "single" or "multi"`);
    }
    const parameters: StepParameter[] = [];
    if (spec.parameters !== undefined && !Array.isArray(spec.parameters)) {
      problems.push("step.json 'parameters' must be a list");
    }
    for (const [index, raw] of (Array.isArray(spec.parameters) ? spec.parameters : []).entries()) {
      const parameter = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const label = `step.json parameter ${index + 1}${typeof parameter.name === 'string' ? ` (${parameter.name})` : ''}`;
      const unknownKeys = Object.keys(parameter).filter((key) => !['name', 'description', 'default', 'allowedPattern'].includes(key));
      if (unknownKeys.length > 0) {
        problems.push(`${label} has unknown keys ${unknownKeys.join(', ')} (allowed: name, description, default, allowedPattern)`);
      }
      if (typeof parameter.name !== 'string' || !PARAMETER_NAME.test(parameter.name)) {
        problems.push(`${label}: 'name' must be upper case letters, digits and underscores, starting with a letter`);
        continue;
      }
      if (parameters.some((other) => other.name === parameter.name)) {
        problems.push(`${label}: the name is used twice`);
      }
      if (typeof parameter.description !== 'string' || parameter.description.trim() === '') {
        problems.push(`${label}: 'description' must be a non-empty string`);
      }
      if (typeof parameter.allowedPattern !== 'string' || parameter.allowedPattern === '') {
        problems.push(`${label}: 'allowedPattern' must be a regular expression`);
        continue;
      }
      let pattern: RegExp;
      try {
        pattern = new RegExp(parameter.allowedPattern);
      } catch {
        problems.push(`${label}: 'allowedPattern' ${JSON.stringify(parameter.allowedPattern)} is not a valid regular expression`);
        continue;
      }
      if (typeof parameter.default !== 'string') {
        problems.push(`${label}: 'default' must be a string`);
        continue;
      }
      if (!SAFE_DEFAULT.test(parameter.default)) {
        problems.push(`${label}: 'default' ${JSON.stringify(parameter.default)} may only contain letters, digits and . , : / _ -`);
      }
      if (!pattern.test(parameter.default)) {
        problems.push(`${label}: 'default' ${JSON.stringify(parameter.default)} does not match its allowedPattern ${parameter.allowedPattern}`);
      }
      parameters.push({
        name: parameter.name,
        description: String(parameter.description ?? ''),
        default: parameter.default,
        allowedPattern: parameter.allowedPattern,
      });
    }

    // guide.md: '# Step N: Title', then the summary paragraph.
    const guide = readRequiredFile(folder, 'guide.md', what).replace(/\r\n/g, '\n');
    const lines = guide.split('\n');
    const heading = /^# Step (\d+): \S/.exec(lines[0] ?? '');
    if (!heading) {
      problems.push("guide.md must start with a heading '# Step N: Title'");
    } else if (STEP_ID_PATTERN.test(this.id) && Number(heading[1]) !== Number(this.id.slice(0, 2))) {
      problems.push(`guide.md says Step ${heading[1]} but the folder is step ${Number(this.id.slice(0, 2))}`);
    }
    const paragraphs = lines.slice(1).join('\n').split(/\n\s*\n/).map((block) => block.trim()).filter((block) => block !== '');
    const summary = (paragraphs[0] ?? '').replace(/\s+/g, ' ');
    if (summary === '' || summary.startsWith('#')) {
      problems.push('guide.md needs a summary paragraph right after its heading');
    }

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
    this.hosts = spec.hosts as StepHosts;
    this.parameters = parameters;
    this.summary = summary;
    this.scripts = scripts;
  }
}

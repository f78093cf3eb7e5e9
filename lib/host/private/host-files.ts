import * as fs from 'fs';
import * as path from 'path';
import { HOST_IMAGES_DIRECTORY, LAB_HOME } from '../../contract';
import { listFilesRecursively } from '../../private/assets';
import { LabStepDefinition, STEP_FILES } from '../../steps/lab-step-definition';
import type { HostComponent } from '../host-component';

/**
 * The cfn-init config set that writes the lab files. It is named `default`
 * (holding the one config `config`), so `cfn-init` finds it with or without
 * `--configsets`.
 */
export const LAB_CONFIG_SET = 'default';

/** One file cfn-init writes on a lab host. */
export interface HostFile {
  /** Absolute path on the host. */
  readonly path: string;
  /** File content (text, or base64 when `base64` is set). */
  readonly content: string;
  /** Whether `content` is base64 (for files that are not UTF-8 text). */
  readonly base64: boolean;
  /** Whether the file is a script to run. */
  readonly executable: boolean;
}

/** What goes onto a host besides its components. */
export interface HostFileSources {
  /** The host's components, in install order. */
  readonly components: readonly HostComponent[];
  /** The shared helpers, `assets/lib/lab.sh`. */
  readonly helpersFile: string;
  /** The provisioning script, `assets/host/provision.sh`. */
  readonly provisionFile: string;
  /** Folder of image build contexts, one sub-folder per image. */
  readonly imagesDirectory: string;
  /** The lab steps copied to the host. */
  readonly steps: readonly LabStepDefinition[];
}

function fileFrom(hostPath: string, source: string, executable: boolean): HostFile {
  const bytes = fs.readFileSync(source);
  const text = bytes.toString('utf8');
  const isText = !bytes.includes(0) && Buffer.from(text, 'utf8').equals(bytes);
  return { path: hostPath, content: isText ? text : bytes.toString('base64'), base64: !isText, executable };
}

function requireFile(file: string, what: string): string {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new Error(`LabHost: ${what} ${file} is missing.`);
  }
  return file;
}

/** Every file a lab host needs, by host path (see docs/design.md, "Files on a lab host"). */
export function collectHostFiles(sources: HostFileSources): HostFile[] {
  const files: HostFile[] = [];
  files.push(fileFrom(`${LAB_HOME}/lib/lab.sh`, requireFile(sources.helpersFile, 'the helpers'), false));
  files.push(fileFrom(`${LAB_HOME}/provision.sh`, requireFile(sources.provisionFile, 'the provisioning script'), true));

  const names = new Set<string>();
  for (const component of sources.components) {
    if (names.has(component.name)) {
      throw new Error(`LabHost: 'components' lists '${component.name}' twice; each component may appear once.`);
    }
    names.add(component.name);
    files.push(fileFrom(`${LAB_HOME}/components/${component.name}.sh`, component.installScript, true));
    if (component.checkScript) {
      files.push(fileFrom(`${LAB_HOME}/components/${component.name}.check.sh`, component.checkScript, true));
    }
  }
  files.push({
    path: `${LAB_HOME}/components/order`,
    content: sources.components.map((component) => component.name).join('\n') + '\n',
    base64: false,
    executable: false,
  });

  if (fs.existsSync(sources.imagesDirectory)) {
    for (const relative of listFilesRecursively(sources.imagesDirectory)) {
      const source = path.join(sources.imagesDirectory, relative);
      files.push(fileFrom(`${HOST_IMAGES_DIRECTORY}${relative}`, source, relative.endsWith('.sh')));
    }
  }

  for (const step of sources.steps) {
    for (const name of STEP_FILES) {
      files.push(fileFrom(`${LAB_HOME}/steps/${step.id}/${name}`, path.join(step.folder, name), name.endsWith('.sh')));
    }
  }
  return files;
}

/** The `AWS::CloudFormation::Init` metadata that writes the files, in the config set {@link LAB_CONFIG_SET}. */
export function renderInitMetadata(files: readonly HostFile[]): Record<string, unknown> {
  const entries = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((file) => [file.path, {
    content: file.content,
    ...(file.base64 ? { encoding: 'base64' } : {}),
    mode: file.executable ? '000755' : '000644',
    owner: 'root',
    group: 'root',
  }]);
  return {
    configSets: { [LAB_CONFIG_SET]: ['config'] },
    config: { files: Object.fromEntries(entries) },
  };
}

import * as fs from 'fs';
import * as path from 'path';
import { readImageContexts, writeImageContexts } from './documents';
import { runLogged, runQuiet, tailOfFile } from './process';

/** The one base image every lab image starts from. */
export const BASE_IMAGE = 'debian:trixie-slim';

/** Lab images are `cnlab/<name>` (CNLAB_IMAGE_PREFIX in lab.sh). */
export const IMAGE_PREFIX = 'cnlab';

/** Where the build contexts came from. */
export interface ImageSources {
  /** Build context folder by image name. */
  readonly contexts: Map<string, string>;
  /** True when taken from the templates' cfn-init files (what is deployed); false for the assets/images fallback. */
  readonly fromTemplates: boolean;
}

/**
 * The lab images' build contexts: from the templates' AWS::CloudFormation::Init
 * files under /opt/container-networks/images/ (written to `workDirectory`), or,
 * when no template carries any, the repository's assets/images folders.
 */
export function imageSources(templateFiles: readonly string[], workDirectory: string, assetsImagesDirectory: string): ImageSources {
  const fromTemplates = readImageContexts(templateFiles);
  if (fromTemplates.size > 0) {
    fs.rmSync(workDirectory, { recursive: true, force: true });
    return { contexts: writeImageContexts(fromTemplates, workDirectory), fromTemplates: true };
  }
  const contexts = new Map<string, string>();
  if (fs.existsSync(assetsImagesDirectory)) {
    for (const entry of fs.readdirSync(assetsImagesDirectory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory() && fs.existsSync(path.join(assetsImagesDirectory, entry.name, 'Dockerfile'))) {
        contexts.set(entry.name, path.join(assetsImagesDirectory, entry.name));
      }
    }
  }
  return { contexts, fromTemplates: false };
}

/**
 * Image names in build order: an image whose Dockerfile starts FROM another
 * lab image comes after it; otherwise by name.
 */
export function buildOrder(contexts: Map<string, string>): string[] {
  const dependsOn = new Map<string, string[]>();
  for (const [name, folder] of contexts) {
    const dockerfile = path.join(folder, 'Dockerfile');
    const text = fs.existsSync(dockerfile) ? fs.readFileSync(dockerfile, 'utf8') : '';
    const pattern = new RegExp(`^\\s*FROM\\s+(?:--\\S+\\s+)*${IMAGE_PREFIX}/([a-z0-9._-]+)`, 'gim');
    const parents = [...text.matchAll(pattern)].map((match) => match[1]).filter((parent) => parent !== name && contexts.has(parent));
    dependsOn.set(name, parents);
  }
  const ordered: string[] = [];
  const visit = (name: string, trail: string[]): void => {
    if (ordered.includes(name)) return;
    if (trail.includes(name)) {
      throw new Error(`Lab images depend on each other in a circle: ${[...trail, name].join(' -> ')}.`);
    }
    for (const parent of dependsOn.get(name) ?? []) visit(parent, [...trail, name]);
    ordered.push(name);
  };
  [...contexts.keys()].sort().forEach((name) => visit(name, []));
  return ordered;
}

/**
 * Makes sure the base image exists: runs test/support/make-base-image.sh when
 * the repository has it (it caches), else requires the image to be there.
 */
export async function ensureBaseImage(repositoryRoot: string, logDirectory: string): Promise<string> {
  const maker = path.join(repositoryRoot, 'test', 'support', 'make-base-image.sh');
  if (fs.existsSync(maker)) {
    const logFile = path.join(logDirectory, 'base-image.log');
    const result = await runLogged('bash', [maker], { logFile, cwd: repositoryRoot, timeoutSeconds: 1200 });
    if (result.exitCode !== 0) {
      throw new Error(`${maker} failed (exit ${result.exitCode ?? result.signal}); ${logFile}:\n${tailOfFile(logFile, 20)}`);
    }
    return `${BASE_IMAGE} made or found by test/support/make-base-image.sh`;
  }
  const inspect = await runQuiet('docker', ['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE]);
  if (inspect.code !== 0) {
    throw new Error(`The base image ${BASE_IMAGE} is missing and test/support/make-base-image.sh does not exist to make it ` +
      `(debootstrap --variant=minbase trixie DIR; tar -C DIR -c . | docker import - ${BASE_IMAGE}).`);
  }
  return `${BASE_IMAGE} present (test/support/make-base-image.sh not found)`;
}

/** Builds one lab image on this machine's Docker engine; returns seconds taken. */
export async function buildImage(name: string, folder: string, logDirectory: string): Promise<number> {
  const tag = `${IMAGE_PREFIX}/${name}`;
  const logFile = path.join(logDirectory, `image-${name}.log`);
  const result = await runLogged('docker', ['build', '-t', tag, folder], { logFile, timeoutSeconds: 1800 });
  if (result.exitCode !== 0) {
    throw new Error(`docker build -t ${tag} ${folder} failed (exit ${result.exitCode ?? result.signal}); ${logFile}:\n${tailOfFile(logFile, 30)}`);
  }
  return result.seconds;
}

import * as fs from 'fs';
import * as path from 'path';
import { TopologyKind } from '../../contract';
import { LabStepDefinition } from '../../steps/lab-step-definition';

/** Answers already worked out, by images folder, steps folder and topology (100 attendees ask the same). */
const cache = new Map<string, readonly string[]>();

/** The image folders (those with a Dockerfile) of an images directory, sorted. */
export function imageFolders(imagesDirectory: string): string[] {
  if (!fs.existsSync(imagesDirectory)) return [];
  return fs.readdirSync(imagesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(imagesDirectory, entry.name, 'Dockerfile')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * The lab images a host builds: for a host of a topology, those declared by
 * the steps that run on it (step.json `images`), or every image when one of
 * those steps does not declare its images; for a host of no topology, every
 * image. A step that declares an image the images directory lacks is an error.
 */
export function labImagesOf(imagesDirectory: string, stepsDirectory: string, topology: TopologyKind | undefined): readonly string[] {
  const key = JSON.stringify([imagesDirectory, stepsDirectory, topology ?? null]);
  const known = cache.get(key);
  if (known) return known;
  const available = imageFolders(imagesDirectory);
  const steps = LabStepDefinition.listFolder(stepsDirectory);
  for (const step of steps) {
    const unknown = (step.images ?? []).filter((name) => !available.includes(name));
    if (unknown.length > 0) {
      throw new Error(`Lab step ${step.id}: step.json 'images' names ${unknown.join(', ')}, which ${imagesDirectory} does not have (it has: ${available.join(', ') || 'no image folders'}).`);
    }
  }
  const ownSteps = steps.filter((step) => step.hosts === topology);
  const images = topology === undefined || ownSteps.some((step) => step.images === undefined)
    ? available
    : [...new Set(ownSteps.flatMap((step) => step.images ?? []))].sort();
  cache.set(key, images);
  return images;
}

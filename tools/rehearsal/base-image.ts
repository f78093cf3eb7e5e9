import * as fs from 'fs';
import * as path from 'path';
import { runLogged, runQuiet, tailOfFile } from '../common/process';

/** The one base image every lab image starts from (assets/components/lab-images.sh pulls it from Docker Hub). */
export const BASE_IMAGE = 'debian:trixie-slim';

/** Where the archive of the base image is kept between runs. */
const ARCHIVE_FOLDER = '/var/cache/cnlab/images';

/**
 * The base image as an archive (docker save) to preload into every machine's
 * Docker: no registry is reachable from here, so make-base-image.sh makes it
 * on this computer (debootstrap of a minimal trixie, cached), and the archive
 * is kept as long as the image does not change.
 */
export async function baseImageArchive(makeScript: string, logDirectory: string): Promise<string> {
  const logFile = path.join(logDirectory, 'base-image.log');
  const made = await runLogged('bash', [makeScript], { logFile, timeoutSeconds: 1200 });
  if (made.exitCode !== 0) {
    throw new Error(`${makeScript} failed (exit ${made.exitCode ?? made.signal}); ${logFile}:\n${tailOfFile(logFile, 20)}`);
  }
  const inspect = await runQuiet('docker', ['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE]);
  if (inspect.code !== 0) throw new Error(`${BASE_IMAGE} is missing after ${makeScript}: ${inspect.stderr.trim()}`);
  const id = inspect.stdout.trim().replace(/^sha256:/, '').slice(0, 12);
  const archive = path.join(ARCHIVE_FOLDER, `${BASE_IMAGE.replace(/[:/]/g, '-')}-${id}.tar`);
  if (!fs.existsSync(archive)) {
    fs.mkdirSync(ARCHIVE_FOLDER, { recursive: true });
    for (const old of fs.readdirSync(ARCHIVE_FOLDER)) fs.rmSync(path.join(ARCHIVE_FOLDER, old), { force: true });
    const saved = await runQuiet('docker', ['save', '-o', `${archive}.new`, BASE_IMAGE]);
    if (saved.code !== 0) throw new Error(`docker save ${BASE_IMAGE} failed: ${saved.stderr.trim()}`);
    fs.renameSync(`${archive}.new`, archive);
  }
  return archive;
}

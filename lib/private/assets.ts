import * as fs from 'fs';
import * as path from 'path';

/**
 * The package's own `assets/` folder: the shell scripts, images and lab steps
 * that ship with container-networks-lab. Resolved from this file's location,
 * so it works from a clone (lib/private/assets.ts run by tsx or ts-jest: two
 * levels up) and from the compiled code in a build or an npm install
 * (dist/lib/private/assets.js: three levels up; the package ships dist/ and
 * assets/ side by side, see "files" in package.json).
 */
export function assetsDirectory(): string {
  // lib/private -> package root; when compiled to dist/lib/private, also try two more levels up.
  const candidates = [
    path.join(__dirname, '..', '..', 'assets'),
    path.join(__dirname, '..', '..', '..', 'assets'),
  ];
  return candidates.find((candidate) => fs.existsSync(candidate)) ?? candidates[0];
}

/** A path inside the package's assets folder. */
export function assetPath(...parts: string[]): string {
  return path.join(assetsDirectory(), ...parts);
}

/** Every regular file under a folder, as paths relative to it (POSIX separators), sorted. */
export function listFilesRecursively(folder: string): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    const absolute = path.join(folder, relative);
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(child);
      } else if (entry.isFile()) {
        found.push(child);
      }
    }
  };
  walk('');
  return found.sort();
}

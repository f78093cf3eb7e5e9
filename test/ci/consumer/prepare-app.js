#!/usr/bin/env node
// Usage: node prepare-app.js APP_DIR TARBALL
//
// Writes APP_DIR/package.json for a consumer app that depends on the packed
// tarball, aws-cdk-lib and constructs (plus the CDK CLI, tsx, TypeScript and
// Node's types to synthesize and type-check it), at the exact versions this
// repository has installed, and APP_DIR/package-lock.json seeded from this
// repository's lock file plus an entry for the tarball. With the lock, `npm install --offline` needs only
// the tarballs that this repository's own `npm ci` put in the npm cache: npm
// ci fetches no package metadata, so without the lock an offline install
// could not resolve version ranges.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const [appDir, tarball] = process.argv.slice(2);
if (!appDir || !tarball) {
  console.error('usage: node prepare-app.js APP_DIR TARBALL');
  process.exit(2);
}
const root = path.resolve(__dirname, '..', '..', '..');
const installed = (name) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

const manifest = {
  name: 'mini-workshop-consumer',
  version: '0.0.0',
  private: true,
  description: 'Throw-away app made by test/ci/consumer.sh from examples/mini-workshop',
  dependencies: {
    'container-networks-lab': `file:${path.relative(appDir, path.resolve(tarball))}`,
    'aws-cdk-lib': installed('aws-cdk-lib'),
    constructs: installed('constructs'),
  },
  devDependencies: {
    '@types/node': installed('@types/node'),
    'aws-cdk': installed('aws-cdk'),
    tsx: installed('tsx'),
    typescript: installed('typescript'),
  },
};
fs.writeFileSync(path.join(appDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

// The repository's lock, with its root entry replaced by the app's: npm keeps
// every locked package the app still needs and prunes the rest.
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
lock.name = manifest.name;
lock.version = manifest.version;
lock.packages[''] = {
  name: manifest.name,
  version: manifest.version,
  dependencies: manifest.dependencies,
  devDependencies: manifest.devDependencies,
};
// This repository's lock leaves out tarball addresses (omit-lockfile-registry-
// resolved), so npm would look them up in package metadata, which only a cache
// filled by `npm ci` has; with the addresses npm finds the tarballs in any
// cache by their integrity.
const registry = (process.env.npm_config_registry || 'https://registry.npmjs.org/').replace(/\/?$/, '/');
for (const [location, entry] of Object.entries(lock.packages)) {
  if (location === '' || entry.link || entry.resolved || !entry.version) continue;
  const name = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
  entry.resolved = `${registry}${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
}

// The tarball is locked too, so npm resolves nothing: resolving a new
// dependency would fetch the full metadata of its peers (aws-cdk-lib,
// constructs), which `npm ci` never caches.
const library = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
lock.packages['node_modules/container-networks-lab'] = {
  version: library.version,
  resolved: manifest.dependencies['container-networks-lab'],
  integrity: `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
  license: library.license,
  dependencies: library.dependencies,
  bin: library.bin,
  engines: library.engines,
  peerDependencies: library.peerDependencies,
};
fs.writeFileSync(path.join(appDir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);

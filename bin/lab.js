#!/usr/bin/env node
// `npx lab`: in a clone of the repository, runs bin/lab.ts through tsx (a dev
// dependency), so the command is always the source as it stands; from the
// installed npm package (which ships no .ts), runs dist/bin/lab.js, the
// single-file bundle `npm run build` makes (AWS SDK inside, no CDK code).
const fs = require('fs');
const path = require('path');

if (fs.existsSync(path.join(__dirname, 'lab.ts'))) {
  require('tsx/cjs');
  require('./lab.ts');
} else {
  require('../dist/bin/lab.js');
}

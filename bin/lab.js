#!/usr/bin/env node
// `npx lab`: in a clone of the repository, runs bin/lab.ts through tsx (a dev
// dependency); from the installed npm package (which ships no .ts), runs the
// compiled dist/bin/lab.js.
const fs = require('fs');
const path = require('path');

if (fs.existsSync(path.join(__dirname, 'lab.ts'))) {
  require('tsx/cjs');
  require('./lab.ts');
} else {
  require('../dist/bin/lab.js');
}

#!/usr/bin/env node
// `npx lab`: runs bin/lab.ts through tsx (a dev dependency of this repository).
require('tsx/cjs');
require('./lab.ts');

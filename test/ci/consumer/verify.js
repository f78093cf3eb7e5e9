#!/usr/bin/env node
// Checks made by test/ci/consumer.sh (plain JavaScript: runs without a build).
//
//   node verify.js pack PACK_JSON      the tarball lists what a user needs, nothing else
//   node verify.js api PACKAGE_DIR     the public .d.ts files reach no internal module
//   node verify.js synth APP_DIR       the example's cloud assembly: 2 hosts, the custom
//                                      component on them, documents of the 2 custom steps
//   node verify.js lab APP_DIR         the installed `lab` bin: --help works, and it loads
//                                      two files of the package (bin/lab.js and the bundle)
//                                      and no other module but Node's own
'use strict';
const fs = require('fs');
const path = require('path');

const problems = [];
const expect = (ok, message) => { if (!ok) problems.push(message); };
const finish = (summary) => {
  if (problems.length > 0) {
    console.error(`FAIL: ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
    process.exit(1);
  }
  console.log(`PASS: ${summary}`);
};

const [mode, target] = process.argv.slice(2);

if (mode === 'pack') {
  // npm pack --json may print lifecycle output before the JSON.
  const text = fs.readFileSync(target, 'utf8');
  const [pack] = JSON.parse(text.slice(text.indexOf('[\n')));
  const files = pack.files.map((file) => file.path);
  const allowed = [
    /^package\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE$/, /^docs\/build-your-own-workshop\.md$/,
    /^bin\/lab\.js$/, /^dist\/bin\/container-networks-lab\.(js|d\.ts)$/, /^dist\/bin\/lab\.js$/,
    /^dist\/lib\/.+\.(js|d\.ts)$/,
    /^assets\/(lib|host|components|images|steps)\//,
  ];
  for (const file of files) {
    expect(allowed.some((pattern) => pattern.test(file)), `unexpected file in the package: ${file}`);
    expect(!/(^|\/)(test|fixtures|cdk\.out[^/]*|examples|node_modules|rehearsal|emulator|deploy-local|bench|common)\//.test(file), `test, fixture, build output or internal tool in the package: ${file}`);
    expect(!/\.map$/.test(file) && !(/\.ts$/.test(file) && !/\.d\.ts$/.test(file)), `source or source map in the package: ${file}`);
  }
  for (const needed of [
    'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/private/assets.js', 'assets/lib/lab.sh',
    'assets/host/user-data.sh', 'assets/host/provision.sh', 'assets/components/docker-engine.sh',
    'assets/images/hello/Dockerfile', 'assets/steps/06-across-hosts/step.json', 'bin/lab.js', 'dist/bin/lab.js', 'dist/lib/contract/index.js',
  ]) {
    expect(files.includes(needed), `missing from the package: ${needed}`);
  }
  finish(`${pack.filename}: ${files.length} files, ${pack.size} bytes packed, ${pack.unpackedSize} unpacked; ` +
    `${files.filter((f) => f.startsWith('dist/')).length} compiled, ${files.filter((f) => f.startsWith('assets/')).length} assets`);
} else if (mode === 'api') {
  // Every .d.ts reachable from the entry point through import/export.
  const entry = path.join(target, 'dist', 'lib', 'index.d.ts');
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s+'(\.[^']+)'/g)) {
      const base = path.resolve(path.dirname(file), match[1]);
      visit(fs.existsSync(`${base}.d.ts`) ? `${base}.d.ts` : path.join(base, 'index.d.ts'));
    }
  };
  visit(entry);
  const reachable = [...seen].map((file) => path.relative(path.join(target, 'dist', 'lib'), file)).sort();
  for (const file of reachable) {
    expect(!/^(private|ops|rehearsal|emulator)\/|\/private\//.test(file), `the public API reaches an internal module: ${file}`);
  }
  finish(`the public API is ${reachable.length} declaration files, none internal (${reachable.join(', ')})`);
} else if (mode === 'synth') {
  const out = path.join(target, 'cdk.out');
  const templates = fs.readdirSync(out).filter((name) => name.endsWith('.template.json'))
    .map((name) => ({ name, template: JSON.parse(fs.readFileSync(path.join(out, name), 'utf8')) }));
  const resources = templates.flatMap(({ template }) => Object.entries(template.Resources ?? {}).map(([id, resource]) => ({ id, resource, template })));

  // The two custom steps: three documents each, carrying the step's scripts and parameters.
  const stepsDir = path.join(target, 'steps');
  const stepIds = fs.readdirSync(stepsDir).sort();
  expect(stepIds.length === 2, `the example should have 2 steps, has ${stepIds.join(', ')}`);
  const documents = resources.filter(({ resource }) => resource.Type === 'AWS::SSM::Document');
  expect(documents.length === 6, `expected 6 documents (2 steps x run/check/reset), found ${documents.length}: ${documents.map(({ resource }) => resource.Properties.Name).join(', ')}`);
  for (const stepId of stepIds) {
    const spec = JSON.parse(fs.readFileSync(path.join(stepsDir, stepId, 'step.json'), 'utf8'));
    for (const action of ['run', 'check', 'reset']) {
      const name = `mini-${stepId}-${action}`;
      const found = documents.find(({ resource }) => resource.Properties.Name === name);
      if (!found) { problems.push(`no document ${name}`); continue; }
      const content = found.resource.Properties.Content;
      const command = content.mainSteps.map((step) => step.inputs.runCommand.join('\n')).join('\n');
      const script = fs.readFileSync(path.join(stepsDir, stepId, `${action}.sh`), 'utf8');
      const body = script.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#!') && !line.startsWith('# shellcheck ') && !line.includes('/lib/lab.sh"'));
      const missing = body.filter((line) => !command.includes(line));
      expect(missing.length === 0, `${name} lacks lines of ${stepId}/${action}.sh: ${missing.slice(0, 3).join(' | ')}`);
      expect(command.includes('pass() {'), `${name} does not carry the lab.sh helpers`);
      const names = Object.keys(content.parameters ?? {}).sort();
      // HOSTS comes from the library for a step of several hosts, not from step.json.
      const wanted = [...spec.parameters.map((parameter) => parameter.name), ...(spec.hosts === 'multi' ? ['HOSTS'] : [])].sort();
      const hostsTag = (found.resource.Properties.Tags ?? []).find((tag) => tag.Key === 'cnlab:hosts')?.Value;
      expect(hostsTag === spec.hosts, `${name} is tagged cnlab:hosts=${hostsTag}; step.json says ${spec.hosts}`);
      expect(JSON.stringify(names) === JSON.stringify(wanted), `${name} parameters ${names} instead of ${wanted}`);
      expect(content.description.includes(spec.title), `${name} description does not name the step title`);
    }
  }

  // Two hosts, each getting the custom component and the custom steps as files.
  const instances = resources.filter(({ resource }) => resource.Type === 'AWS::EC2::Instance');
  expect(instances.length === 2, `expected 2 hosts, found ${instances.length}`);
  const filesOf = ({ resource, template }) => {
    const holders = [resource, ...[].concat(resource.DependsOn ?? []).map((id) => template.Resources[id])];
    return Object.assign({}, ...holders.map((holder) => holder?.Metadata?.['AWS::CloudFormation::Init']?.config?.files ?? {}));
  };
  const componentDir = path.join(target, 'components');
  for (const instance of instances) {
    const files = filesOf(instance);
    const label = `host ${instance.id}`;
    for (const script of ['socat.sh', 'socat.check.sh']) {
      const file = files[`/opt/container-networks/components/${script}`];
      expect(file?.content === fs.readFileSync(path.join(componentDir, script), 'utf8'), `${label}: components/${script} missing or not the example's text`);
    }
    const order = (files['/opt/container-networks/components/order']?.content ?? '').trim().split('\n');
    expect(order[order.length - 1] === 'socat' && order.includes('docker-engine'), `${label}: components/order is ${order.join(',')}; expected the built-ins then socat`);
    for (const stepId of stepIds) {
      for (const file of ['guide.md', 'run.sh', 'check.sh', 'reset.sh', 'step.json']) {
        expect(files[`/opt/container-networks/steps/${stepId}/${file}`] !== undefined, `${label}: steps/${stepId}/${file} missing`);
      }
    }
    const builtIn = Object.keys(files).filter((file) => file.includes('/steps/06-across-hosts/'));
    expect(builtIn.length === 0, `${label}: has built-in steps although the example replaces them`);
    expect(files['/opt/container-networks/lib/lab.sh'] !== undefined, `${label}: lib/lab.sh missing (the helpers from the installed package)`);
  }
  // Built with buildWorkshopApp: the attendee's lab expires.
  const schedules = resources.filter(({ resource }) => resource.Type === 'AWS::Scheduler::Schedule');
  expect(schedules.length === 1, `expected the attendee's expiry schedule (buildWorkshopApp), found ${schedules.length}`);
  finish(`${templates.length} templates; ${instances.length} hosts with components/socat.sh and steps ${stepIds.join(', ')}; ` +
    `${documents.length} documents (${documents.map(({ resource }) => resource.Properties.Name).join(', ')})`);
} else if (mode === 'lab') {
  // Run the installed bin as npm links it, with a preload that records every
  // module Node loads from a file and refuses the CDK's packages.
  const { spawnSync } = require('child_process');
  const record = path.join(target, 'lab-modules.json');
  const preload = path.join(target, 'record-modules.js');
  fs.writeFileSync(preload, `
    const Module = require('module');
    const fs = require('fs');
    const loaded = [];
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
      if (/^(aws-cdk-lib|constructs|cdk-nag)(\\/|$)/.test(request)) throw new Error('the lab command loaded ' + request);
      const exported = load.apply(this, arguments);
      try { const file = Module._resolveFilename(request, parent, isMain); if (file.startsWith('/')) loaded.push(file); } catch {}
      return exported;
    };
    process.on('exit', () => fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify([...new Set(loaded)])));
  `);
  const bin = path.join(target, 'node_modules', '.bin', 'lab');
  const run = spawnSync(process.execPath, ['--require', preload, bin, '--help'], { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } });
  expect(run.status === 0, `lab --help exited ${run.status}: ${run.stderr}`);
  expect(/^Usage: npx lab <command>/.test(run.stdout) && /\n  check \[STEP\]/.test(run.stdout), `lab --help did not print the usage: ${run.stdout.slice(0, 200)}`);
  const packageDir = fs.realpathSync(path.join(target, 'node_modules', 'container-networks-lab'));
  const loaded = fs.existsSync(record) ? JSON.parse(fs.readFileSync(record, 'utf8')).map((file) => fs.realpathSync(file)) : [];
  const ofPackage = loaded.filter((file) => file.startsWith(packageDir + path.sep)).map((file) => path.relative(packageDir, file)).sort();
  const others = loaded.filter((file) => !file.startsWith(packageDir + path.sep) && file !== preload);
  expect(JSON.stringify(ofPackage) === JSON.stringify(['bin/lab.js', 'dist/bin/lab.js']), `the installed lab loaded these files of the package: ${ofPackage.join(', ')}`);
  expect(others.length === 0, `the installed lab loaded modules from outside its bundle: ${others.slice(0, 5).join(', ')}`);
  finish(`the installed lab printed its usage, loading only ${ofPackage.join(' and ')} (${(fs.statSync(path.join(packageDir, 'dist/bin/lab.js')).size / 1e6).toFixed(2)} MB) and Node's own modules`);
} else {
  console.error('usage: node verify.js pack PACK_JSON | api PACKAGE_DIR | synth APP_DIR | lab APP_DIR');
  process.exit(2);
}

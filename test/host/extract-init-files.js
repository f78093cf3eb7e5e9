#!/usr/bin/env node
// extract-init-files.js TEMPLATE ROOT
// Writes the files that cfn-init would write on a lab host (the
// AWS::CloudFormation::Init "files" of the template's first instance) under
// ROOT, keeping their paths: /opt/container-networks/lib/lab.sh becomes
// ROOT/opt/container-networks/lib/lab.sh. Prints one line per file.
'use strict';
const fs = require('fs');
const path = require('path');

const [templatePath, root] = process.argv.slice(2);
if (!templatePath || !root) {
  console.error('usage: extract-init-files.js TEMPLATE ROOT');
  process.exit(2);
}
const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
const resources = Object.entries(template.Resources || {});
const initOf = ([, r]) => r.Metadata && r.Metadata['AWS::CloudFormation::Init'];

// The first instance that carries the metadata; else the first resource that
// does (user data may point cfn-init at a resource other than the instance).
const chosen =
  resources.find((e) => e[1].Type === 'AWS::EC2::Instance' && initOf(e)) || resources.find(initOf);
if (!chosen) {
  console.error(`no resource with AWS::CloudFormation::Init metadata in ${templatePath}`);
  process.exit(1);
}
const [logicalId, resource] = chosen;
const init = initOf(chosen);

// cfn-init runs the configSet "default" when there is one, else the config "config".
const configNames = (init.configSets && init.configSets.default) || ['config'];

// Template values may be plain strings or Fn::Join of plain strings; anything
// needing a deployed stack (Ref, GetAtt, ...) cannot be laid out offline.
function resolve(value, where) {
  if (typeof value === 'string') return value;
  if (value && Array.isArray(value['Fn::Join'])) {
    const [sep, parts] = value['Fn::Join'];
    return parts.map((p) => resolve(p, where)).join(sep);
  }
  throw new Error(`${where}: cannot resolve ${JSON.stringify(value).slice(0, 120)} offline`);
}

let count = 0;
console.log(`cfn-init files of ${logicalId} (${resource.Type}), configs: ${configNames.join(', ')}`);
for (const name of configNames) {
  const config = init[name];
  if (!config) throw new Error(`config ${name} named in configSets is missing`);
  for (const key of Object.keys(config)) {
    if (key !== 'files') console.log(`  note: config ${name} also has "${key}", not laid out here`);
  }
  for (const [file, spec] of Object.entries(config.files || {})) {
    if (spec.source) throw new Error(`${file}: comes from ${JSON.stringify(spec.source)}, not inline content`);
    let content = spec.content;
    content = typeof content === 'object' && !content['Fn::Join']
      ? JSON.stringify(content, null, 2) // cfn-init writes object content as JSON
      : resolve(content, file);
    const bytes = spec.encoding === 'base64' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
    const target = path.join(root, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
    const mode = spec.mode ? parseInt(String(spec.mode).slice(-4), 8) : 0o644;
    fs.chmodSync(target, mode);
    console.log(`  ${file} (${bytes.length} bytes, mode ${mode.toString(8)})`);
    count += 1;
  }
}
console.log(`${count} file(s) written under ${root}`);

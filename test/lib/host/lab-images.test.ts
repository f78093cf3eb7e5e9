import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { LabHost } from '../../../lib/host/lab-host';
import { imageFolders, labImagesOf } from '../../../lib/host/private/lab-images';
import { LabStepDefinition } from '../../../lib/steps/lab-step-definition';
import { SingleHostTopology } from '../../../lib/topology/single-host';
import { MultiHostTopology } from '../../../lib/topology/multi-host';
import { networkStack, renderTemplateValue, REPOSITORY } from '../../fixtures/cdk';

const IMAGES = path.join(REPOSITORY, 'assets', 'images');
const STEPS = path.join(REPOSITORY, 'assets', 'steps');

/** A steps folder with one step of the given hosts and step.json images (undefined: no `images` key). */
function stepsWith(entries: ReadonlyArray<{ id: string; hosts: string; images?: unknown }>): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-images-'));
  for (const entry of entries) {
    const step = path.join(folder, entry.id);
    fs.mkdirSync(step);
    const number = Number(entry.id.slice(0, 2));
    fs.writeFileSync(path.join(step, 'guide.md'), `# Step ${number}: A step\n\nWhat it shows.\n`);
    for (const action of ['run', 'check', 'reset']) {
      fs.writeFileSync(path.join(step, `${action}.sh`), '#!/usr/bin/env bash\n# a script\nset -euo pipefail\n. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"\necho ok\n');
    }
    fs.writeFileSync(path.join(step, 'step.json'), JSON.stringify({ title: 'A step', hosts: entry.hosts, ...(entry.images !== undefined ? { images: entry.images } : {}) }));
  }
  return folder;
}

describe('the lab images a host builds', () => {
  test('the built-in steps: the single host builds all six, a multi-host host only the client and hello images', () => {
    expect(labImagesOf(IMAGES, STEPS, 'single')).toEqual(['client', 'haproxy', 'hello', 'nginx', 'suricata', 'varnish']);
    expect(labImagesOf(IMAGES, STEPS, 'multi')).toEqual(['client', 'hello']);
    expect(labImagesOf(IMAGES, STEPS, undefined)).toEqual(imageFolders(IMAGES));
  });

  test('every built-in step declares the lab images its scripts use, and no other', () => {
    for (const step of LabStepDefinition.listFolder(STEPS)) {
      const text = Object.values(step.scripts).join('\n');
      const used = [...new Set([...text.matchAll(/(?:lab_image\s+|cnlab\/)([a-z0-9][a-z0-9._-]*)/g)].map((match) => match[1]))].sort();
      expect({ step: step.id, images: step.images }).toEqual({ step: step.id, images: used });
    }
  });

  test('a step of the topology that does not declare its images makes its hosts build every image', () => {
    const steps = stepsWith([{ id: '01-one', hosts: 'multi', images: ['hello'] }, { id: '02-two', hosts: 'multi' }]);
    expect(labImagesOf(IMAGES, steps, 'multi')).toEqual(imageFolders(IMAGES));
    expect(labImagesOf(IMAGES, steps, 'single')).toEqual([]);
  });

  test('a step that declares an image the images folder lacks stops synth, naming both', () => {
    const steps = stepsWith([{ id: '01-one', hosts: 'single', images: ['hello', 'nosuch'] }]);
    expect(() => labImagesOf(IMAGES, steps, 'single')).toThrow(/Lab step 01-one: step.json 'images' names nosuch, which .* does not have \(it has: client, haproxy/);
  });

  test('images must be a list of names', () => {
    const steps = stepsWith([{ id: '01-one', hosts: 'single', images: 'hello' }]);
    expect(() => LabStepDefinition.listFolder(steps)).toThrow(/step.json 'images' must be a list of lab image names/);
  });

  test('the topologies tell their hosts, and the user data carries the list', () => {
    const { stack, vpc } = networkStack();
    const single = new SingleHostTopology(stack, 'Single', { vpc });
    const multi = new MultiHostTopology(stack, 'Multi', { vpc, hostCount: 2 });
    expect(single.host.labImages).toEqual(['client', 'haproxy', 'hello', 'nginx', 'suricata', 'varnish']);
    expect(multi.hosts.map((host: LabHost) => host.labImages)).toEqual([['client', 'hello'], ['client', 'hello']]);
    const template = Template.fromStack(stack);
    const userData = Object.entries(template.findResources('AWS::EC2::Instance'))
      .map(([id, instance]) => [id.replace(/[0-9A-F]{8}$/, ''), renderTemplateValue(instance.Properties.UserData)]);
    for (const [id, text] of userData) {
      expect(text).toMatch(id.startsWith('Single') ? /LAB_IMAGES='client haproxy hello nginx suricata varnish'/ : /LAB_IMAGES='client hello'/);
    }
  });
});

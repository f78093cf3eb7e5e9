import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildOrder } from '../../../tools/rehearsal/images';

/** Build contexts whose Dockerfiles start with the given FROM lines. */
function contexts(dockerfiles: Record<string, string>): Map<string, string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-images-'));
  return new Map(Object.entries(dockerfiles).map(([name, text]) => {
    fs.mkdirSync(path.join(root, name));
    fs.writeFileSync(path.join(root, name, 'Dockerfile'), text);
    return [name, path.join(root, name)];
  }));
}

describe('buildOrder', () => {
  test('an image built FROM another lab image comes after it; the rest by name', () => {
    expect(buildOrder(contexts({
      varnish: 'FROM cnlab/hello\n',
      hello: 'FROM debian:trixie-slim\n',
      client: 'FROM debian:trixie-slim\n',
      nginx: 'FROM --platform=linux/amd64 cnlab/client AS base\n',
    }))).toEqual(['client', 'hello', 'nginx', 'varnish']);
  });

  test('a FROM of an image that is not a lab image here is no dependency', () => {
    expect(buildOrder(contexts({ b: 'FROM cnlab/elsewhere\n', a: 'FROM cnlab/b\n' }))).toEqual(['b', 'a']);
  });

  test('a circle is an error naming it', () => {
    expect(() => buildOrder(contexts({ a: 'FROM cnlab/b\n', b: 'FROM cnlab/a\n' }))).toThrow(/circle: a -> b -> a/);
  });
});

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildWorkshopApp } from '../../../lib/app/build-workshop-app';
import { compactHelpers, COMPACT_HELPERS_NOTE, composeDocumentScript, ENV_VAR_AGENT_VERSION, scriptOfDocument } from '../../../lib/steps/document-content';
import { newApp } from '../../fixtures/cdk';

const SCRIPT = [
  '#!/usr/bin/env bash',
  'set -euo pipefail',
  '. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"',
  'echo "HOSTS=$HOSTS TUNNEL_TYPE=$TUNNEL_TYPE"',
  '',
].join('\n');

const PARAMETERS = [
  { name: 'HOSTS', description: 'hosts', default: '127.0.0.1', allowedPattern: '^[0-9.,]+$' },
  { name: 'TUNNEL_TYPE', description: 'tunnel', default: 'gre', allowedPattern: '^(gre|vxlan|geneve)$' },
];

/** Runs a composed document the way the SSM agent does (sh FILE), with only these variables and PATH. */
function runDocument(script: string, environment: Record<string, string>, pathPrefix?: string): { status: number | null; stdout: string } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-doc-'));
  const file = path.join(folder, 'run.sh');
  fs.writeFileSync(file, script);
  const result = spawnSync('sh', [file], {
    env: { PATH: `${pathPrefix ? `${pathPrefix}:` : ''}/usr/bin:/bin`, ...environment },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout };
}

describe('document parameters on an SSM agent without ENV_VAR support', () => {
  const script = composeDocumentScript({
    stepId: '06-across-hosts', action: 'run', script: SCRIPT, helpers: '# helpers', parameters: PARAMETERS, description: 'd',
  });

  test('with SSM_<NAME> for every parameter, the script gets the values', () => {
    const run = runDocument(script, { SSM_HOSTS: '10.40.0.11,10.40.0.12', SSM_TUNNEL_TYPE: 'vxlan' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('HOSTS=10.40.0.11,10.40.0.12 TUNNEL_TYPE=vxlan\n');
  });

  test('a missing SSM_<NAME> stops the document with a FAIL line naming the agent version needed, not a default', () => {
    const run = runDocument(script, { SSM_HOSTS: '10.40.0.11' });
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('TUNNEL_TYPE=gre');
    expect(run.stdout).toMatch(new RegExp(`^FAIL: the document parameter TUNNEL_TYPE did not arrive \\(no SSM_TUNNEL_TYPE variable\\): .* from SSM Agent ${ENV_VAR_AGENT_VERSION.replace(/\./g, '\\.')} on, and this host runs an agent whose version could not be read`));
  });

  test('the installed agent version is named when amazon-ssm-agent tells it', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-agent-'));
    fs.writeFileSync(path.join(bin, 'amazon-ssm-agent'), '#!/bin/sh\necho "SSM Agent version: 3.2.582.0"\n', { mode: 0o755 });
    const run = runDocument(script, {}, bin);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FAIL: the document parameter HOSTS did not arrive');
    expect(run.stdout).toContain('and this host runs SSM Agent version: 3.2.582.0.');
  });

  test('a document without parameters has no guard', () => {
    const plain = composeDocumentScript({ stepId: '01-x', action: 'run', script: SCRIPT, helpers: '# helpers', parameters: [], description: 'd' });
    expect(plain).not.toContain('cnlab_parameter_missing');
  });
});

/** The {{ ... }} in a document's strings that are not references to its declared parameters. */
function doubleBraceProblems(content: { parameters?: Record<string, unknown> }): string[] {
  const strings = (value: unknown): string[] => (typeof value === 'string' ? [value]
    : Array.isArray(value) ? value.flatMap(strings)
      : value !== null && typeof value === 'object' ? Object.values(value).flatMap(strings) : []);
  const declared = Object.keys(content.parameters ?? {});
  const text = strings(content).join('\n');
  const reference = /\{\{\s*([A-Za-z0-9_:.-]*)\s*\}\}/g;
  const undeclared = [...text.matchAll(reference)].filter((match) => !declared.includes(match[1])).map((match) => match[0]);
  const stray = text.replace(reference, '').match(/\{\{|\}\}/g) ?? [];
  return [...undeclared, ...stray];
}

test('the double-brace finder finds Go templates and undeclared references, and allows declared ones', () => {
  const document = (line: string) => ({ parameters: { HOSTS: {} }, mainSteps: [{ inputs: { runCommand: [line] } }] });
  expect(doubleBraceProblems(document("pid=$(docker inspect --format '{{.State.Pid}}' web)"))).toEqual(['{{.State.Pid}}']);
  expect(doubleBraceProblems(document("docker inspect --format '{{range .Networks}}{{.IPAddress}}{{end}}' web"))).toEqual(['{{.IPAddress}}', '{{end}}', '{{', '}}']);
  expect(doubleBraceProblems(document('echo {{ TUNNEL_TYPE }} {{ HOSTS }}'))).toEqual(['{{ TUNNEL_TYPE }}']);
  expect(doubleBraceProblems(document('echo "${HOSTS}" ${#a[@]} "${x:-$y}"'))).toEqual([]);
  // Strict: even a lone closing pair (a nested "${x:-${y}}") counts, so write such expansions without it.
  expect(doubleBraceProblems(document('echo "${x:-${y}}"'))).toEqual(['}}']);
});

describe('the default app\'s documents', () => {
  // Systems Manager reads {{ NAME }} in a document as a reference to the
  // parameter NAME. The lab's documents take their parameters as environment
  // variables, so no double brace may appear in them at all (Docker's Go
  // templates included): whether SSM accepts undeclared references cannot be
  // tried without AWS.
  /** What the tests below read of a document's content. */
  type DocumentContent = Parameters<typeof scriptOfDocument>[0] & Parameters<typeof doubleBraceProblems>[0];
  let documents: Array<{ id: string; content: DocumentContent }>;
  beforeAll(() => {
    const built = buildWorkshopApp(newApp(), { nag: false, now: new Date('2026-05-04T08:00:00Z') });
    documents = [built.workshop, ...built.attendees].flatMap((stack) => Object.entries(Template.fromStack(stack).findResources('AWS::SSM::Document'))
      .map(([id, resource]) => ({ id: `${stack.stackName}/${id}`, content: resource.Properties.Content })));
  });

  test('there are 21 step documents (7 steps: run, check, reset)', () => {
    expect(documents).toHaveLength(21);
  });

  test('no {{ or }} except references to declared parameters', () => {
    const offending = documents.flatMap(({ id, content }) => doubleBraceProblems(content).map((found) => `${id}: ${found}`));
    expect(offending).toEqual([]);
  });

  test('every document script starts again under bash and carries the helpers', () => {
    for (const { content } of documents) {
      const script = scriptOfDocument(content);
      expect(script.split('\n')[3]).toBe('if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi');
      expect(script).toContain('container_running() {');
    }
  });
});

describe('the helpers as documents carry them (compactHelpers)', () => {
  const labSh = fs.readFileSync(path.join(__dirname, '../../../assets/lib/lab.sh'), 'utf8');

  /** Every function a helpers text defines, as bash prints them (declare -f: no comments, one layout). */
  function functionsOf(text: string): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-helpers-'));
    const file = path.join(folder, 'lab.sh');
    fs.writeFileSync(file, text);
    const result = spawnSync('bash', ['-c', `CNLAB_HOME=${folder} source "${file}" >/dev/null 2>&1; declare -f`], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    fs.rmSync(folder, { recursive: true, force: true });
    expect(result.status).toBe(0);
    return result.stdout;
  }

  test('lab.sh without its comments defines exactly the same functions, here-documents and all', () => {
    const compact = compactHelpers(labSh);
    expect(compact.length).toBeLessThan(labSh.length * 0.75);
    expect(functionsOf(compact)).toBe(functionsOf(labSh));
    expect(functionsOf(compact)).toContain('container_running');
  });

  test('comment and blank lines go, except inside here-documents; a note says where the comments are', () => {
    const text = ['#!/usr/bin/env bash', '# about f', '', 'f() {', '  # inside', '  cat <<\'EOF\'', '# data, kept', '', 'EOF', '  x=1 # trailing comment kept', '}', 'cat <<-END', '\t# kept too', '\tEND', '# gone'].join('\n');
    expect(compactHelpers(text)).toBe([COMPACT_HELPERS_NOTE, 'f() {', '  cat <<\'EOF\'', '# data, kept', '', 'EOF', '  x=1 # trailing comment kept', '}', 'cat <<-END', '\t# kept too', '\tEND', ''].join('\n'));
    // A here-string is not a here-document.
    expect(compactHelpers('grep x <<<"$a"\n# gone\n')).toBe(`${COMPACT_HELPERS_NOTE}\ngrep x <<<"$a"\n`);
  });
});

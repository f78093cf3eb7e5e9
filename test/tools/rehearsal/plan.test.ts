import { TemplateStep } from '../../../tools/rehearsal/documents';
import { parseOptions } from '../../../tools/rehearsal/options';
import {
  ACTION_SEQUENCE, parameterEnvironment, PlannedHost, selectSteps, stepVariants, variantValues,
} from '../../../tools/rehearsal/plan';

const TUNNEL_STEP: TemplateStep = {
  id: '06-across-hosts',
  documents: {},
  parameters: [
    { name: 'HOSTS', default: '127.0.0.1', allowedPattern: '^[0-9.,]+$' },
    { name: 'TUNNEL_TYPE', default: 'gre', allowedPattern: '^(gre|vxlan|geneve)$' },
  ],
  multiHost: true,
  problems: [],
};
const SINGLE_STEP: TemplateStep = { id: '01-docker-on-the-host', documents: {}, parameters: [], multiHost: false, problems: [] };

describe('parameter environment', () => {
  test('SSM_<NAME> for every declared parameter, defaults for those not given', () => {
    expect(parameterEnvironment(TUNNEL_STEP.parameters, { HOSTS: '10.99.0.11,10.99.0.12' })).toEqual({
      SSM_HOSTS: '10.99.0.11,10.99.0.12',
      SSM_TUNNEL_TYPE: 'gre',
    });
    expect(parameterEnvironment([], {})).toEqual({});
  });

  test('values SSM would refuse are refused', () => {
    expect(() => parameterEnvironment(TUNNEL_STEP.parameters, { TUNNEL_TYPE: 'ipip' })).toThrow(/does not match its allowedPattern/);
    expect(() => parameterEnvironment(TUNNEL_STEP.parameters, { COLOUR: 'red' })).toThrow(/COLOUR is not declared/);
  });
});

describe('hosts and variants', () => {
  test('a multi-host step gets HOSTS in host order, one variant per tunnel type', () => {
    const multi: PlannedHost[] = [
      { name: 'd26m1', address: '10.99.0.11', prefixLength: 24 },
      { name: 'd26m2', address: '10.99.0.12', prefixLength: 24 },
    ];
    const [gre, vxlan] = stepVariants(TUNNEL_STEP, ['gre', 'vxlan']);
    expect(vxlan).toEqual({ label: 'vxlan', values: { TUNNEL_TYPE: 'vxlan' } });
    expect(variantValues(TUNNEL_STEP, gre, multi)).toEqual({ TUNNEL_TYPE: 'gre', HOSTS: '10.99.0.11,10.99.0.12' });
    expect(variantValues(SINGLE_STEP, stepVariants(SINGLE_STEP, ['gre', 'vxlan'])[0], multi.slice(0, 1))).toEqual({});
  });

  test('the sequence: reset, check that must fail, run and check, reset, check that must fail, run and check, reset twice', () => {
    expect(ACTION_SEQUENCE.map((entry) => `${entry.action}${entry.expect ? ` (${entry.expect})` : ''}`)).toEqual([
      'reset', 'check (fail)', 'run', 'check', 'reset', 'check (fail)', 'run', 'check', 'reset', 'reset',
    ]);
    expect(ACTION_SEQUENCE.filter((entry) => entry.expect === 'fail').map((entry) => entry.label)).toEqual(['check before run', 'check after reset']);
    expect(new Set(ACTION_SEQUENCE.map((entry) => entry.label)).size).toBe(ACTION_SEQUENCE.length);
  });
});

describe('step selection', () => {
  const steps = [SINGLE_STEP, { ...SINGLE_STEP, id: '03-linking' }, TUNNEL_STEP];
  test('by number or id', () => {
    expect(selectSteps(steps, ['01', '6']).map((step) => step.id)).toEqual(['01-docker-on-the-host', '06-across-hosts']);
    expect(selectSteps(steps, ['03-linking']).map((step) => step.id)).toEqual(['03-linking']);
    expect(selectSteps(steps, undefined)).toHaveLength(3);
  });
  test('an unknown step is an error that lists the known ones', () => {
    expect(() => selectSteps(steps, ['09'])).toThrow(/no step 09 in the templates \(steps found: 01-docker-on-the-host, 03-linking, 06-across-hosts\)/);
    expect(() => selectSteps(steps, ['006'])).toThrow(/no step 006 in the templates/); // a number has one or two digits, as for the lab command
  });
});

describe('command line', () => {
  test('defaults', () => {
    expect(parseOptions([])).toEqual({
      steps: undefined, variants: undefined, failurePath: true, mirrorOutage: true, keep: false, pipework: undefined, synth: true, cdkOut: undefined,
      stack: undefined, tunnels: ['gre', 'vxlan'], actionTimeoutSeconds: 600, help: false,
    });
  });
  test('options, with a value after a space or an equals sign', () => {
    const options = parseOptions(['--steps', '01,03', '--keep', '--pipework=/opt/pipework', '--cdk-out', 'out', '--variants', 'docker28', '--no-failure-path', '--no-mirror-outage', '--tunnels', 'vxlan']);
    expect(options).toMatchObject({ steps: ['01', '03'], keep: true, pipework: '/opt/pipework', cdkOut: 'out', synth: false, variants: ['docker28'], failurePath: false, mirrorOutage: false, tunnels: ['vxlan'] });
    expect(parseOptions(['--no-synth']).synth).toBe(false);
  });
  test('mistakes are errors', () => {
    expect(() => parseOptions(['--stpes', '01'])).toThrow(/Unknown option --stpes/);
    expect(() => parseOptions(['--steps'])).toThrow(/--steps needs a value/);
    expect(() => parseOptions(['--tunnels', 'GRE!'])).toThrow(/not: GRE!/);
  });
});

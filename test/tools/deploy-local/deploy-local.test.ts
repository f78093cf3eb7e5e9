import { parseDeployLocalArgs } from '../../../tools/deploy-local/deploy-local';

describe('parseDeployLocalArgs', () => {
  test.each([
    [[], { port: undefined, trace: true, help: false }],
    [['--port', '5123', '--no-trace'], { port: 5123, trace: false, help: false }],
    [['--help'], { port: undefined, trace: true, help: true }],
  ])('%j', (args, expected) => {
    expect(parseDeployLocalArgs(args)).toEqual(expected);
  });

  test.each([[['--port']], [['--port', 'x']], [['--local']]])('refuses %j', (args) => {
    expect(parseDeployLocalArgs(args)).toMatch(/^deploy:local: unexpected arguments/);
  });
});

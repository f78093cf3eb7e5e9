import { EMULATOR_REGION, emulatorEnvironment } from '../../../tools/deploy-local/moto-server';

describe('emulatorEnvironment', () => {
  const base = {
    PATH: '/usr/bin', HOME: '/root',
    AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: 'AKIAREAL', AWS_SESSION_TOKEN: 'secret', AWS_REGION: 'eu-west-1', CDK_DEFAULT_ACCOUNT: '999999999999',
  };
  const env = emulatorEnvironment('http://127.0.0.1:5123', '/tmp/run', base);

  test('keeps the caller\'s other variables and drops every AWS_ and CDK_ setting of the caller', () => {
    expect(env.PATH).toBe('/usr/bin');
    expect(env.HOME).toBe('/root');
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(env.AWS_SESSION_TOKEN).toBeUndefined();
    expect(env.CDK_DEFAULT_ACCOUNT).toBeUndefined();
  });

  test('points every client at the emulator with fake credentials and no fallback to a real account', () => {
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: EMULATOR_REGION, AWS_DEFAULT_REGION: EMULATOR_REGION,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5123',
      AWS_CONFIG_FILE: '/tmp/run/aws-config-none', AWS_SHARED_CREDENTIALS_FILE: '/tmp/run/aws-credentials-none',
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: '1',
    });
  });
});

import { ChildProcess } from 'child_process';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { startBackground, stopProcess } from '../common/process';

/** Starts moto's server with the emulator fixes deploy:local needs. */
const SHIM = path.join(__dirname, 'moto_server_shim.py');

/** The account moto answers for (STS GetCallerIdentity), and the region deploy:local uses. */
export const EMULATOR_ACCOUNT = '123456789012';
export const EMULATOR_REGION = 'us-east-1';

/** A running moto_server. */
export interface MotoServer {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `moto_server -H 127.0.0.1 -p PORT` and waits until it answers.
 * Throws with the reason (not installed, exited, no answer) otherwise.
 */
export async function startMotoServer(options: { port: number; logFile: string; cwd: string; traceFile?: string; timeoutMs?: number; python?: string }): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  // moto_server's own entry point, run by moto_server_shim.py after it fixes one moto bug (see there).
  const child = startBackground(options.python ?? 'python3', [SHIM, '-H', '127.0.0.1', '-p', String(options.port)], {
    cwd: options.cwd,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    logFile: options.logFile,
    traceFile: options.traceFile,
  });
  let failure: string | undefined;
  child.once('error', (error) => { failure = `could not start python3 for moto_server: ${error.message}`; });
  child.once('exit', (code, signal) => {
    failure ??= `moto_server exited (${signal ?? `code ${code}`}) before answering (is moto installed for python3? pip install 'moto[server]==5.2.*'); see ${options.logFile}`;
  });
  const deadline = Date.now() + (options.timeoutMs ?? 30000);
  while (Date.now() < deadline) {
    if (failure) {
      throw new Error(failure);
    }
    if (await answers(`${endpoint}/moto-api/data.json`)) {
      return { endpoint, port: options.port, process: child, stop: () => stopProcess(child) };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stopProcess(child);
  throw new Error(failure ?? `moto_server did not answer on ${endpoint} within ${Math.round((options.timeoutMs ?? 30000) / 1000)} s; see ${options.logFile}`);
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 1000 }, (response) => {
      response.resume();
      resolve((response.statusCode ?? 500) < 500);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => { request.destroy(); resolve(false); });
  });
}

/**
 * The environment every AWS client of a deploy:local run gets: fake
 * credentials, the emulator's endpoint for every service, and no way to fall
 * back to a real account (no profile, config or credentials file, no instance
 * metadata). The CDK CLI's telemetry, version check and notices are off, as
 * they would otherwise go to the internet.
 */
export function emulatorEnvironment(endpoint: string, runDirectory: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    // Drop every AWS and CDK setting of the caller: only the ones below apply.
    if (!/^(AWS_|CDK_)/.test(name)) {
      env[name] = value;
    }
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: EMULATOR_REGION,
    AWS_DEFAULT_REGION: EMULATOR_REGION,
    AWS_ENDPOINT_URL: endpoint,
    // moto's CloudFormation reads a TemplateURL with this host from its own S3
    // (no request leaves the machine); without it the change set fails with NoSuchBucket.
    AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION: 'https://s3.us-east-1.amazonaws.com',
    AWS_CONFIG_FILE: `${runDirectory}/aws-config-none`,
    AWS_SHARED_CREDENTIALS_FILE: `${runDirectory}/aws-credentials-none`,
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
    NODE_NO_WARNINGS: '1',
  };
}

import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { BackoffOptions, Clock, realClock, realSleep, Sleep } from './retry';

/** What every lab operation needs: AWS clients, the workshop, and time (injectable for tests). */
export interface LabContext {
  readonly ssm: SSMClient;
  readonly ec2: EC2Client;
  /** Workshop name: value of the hosts' `workshop` tag and prefix of the document names. */
  readonly workshop: string;
  readonly sleep: Sleep;
  readonly now: Clock;
  /** Backoff for throttled calls, on top of the SDK's own retries. */
  readonly backoff: BackoffOptions;
  /** Progress lines for the person watching (the CLI writes them to stderr). */
  readonly progress: (line: string) => void;
}

/**
 * SDK clients configured from the usual AWS settings (AWS_REGION, AWS_PROFILE,
 * AWS_ENDPOINT_URL, ...). The SDK retries throttled calls itself, adaptively;
 * AWS_MAX_ATTEMPTS and AWS_RETRY_MODE still override that when set.
 */
export function createAwsClients(): { ssm: SSMClient; ec2: EC2Client } {
  const retry = {
    ...(process.env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: 8 }),
    ...(process.env.AWS_RETRY_MODE ? {} : { retryMode: 'adaptive' }),
  };
  return { ssm: new SSMClient(retry), ec2: new EC2Client(retry) };
}

/** A context with real clients, real time and progress on stderr. */
export function createLabContext(workshop: string, progress: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): LabContext {
  const sleep = realSleep;
  return { ...createAwsClients(), workshop, sleep, now: realClock, backoff: { sleep }, progress };
}

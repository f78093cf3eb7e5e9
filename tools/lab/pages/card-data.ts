import { LAB_HOME, sessionManagerUrl, TopologyKind, takesHostsParameter } from '../../../lib/contract';
import { compareHosts, FoundHost } from '../aws/host-inventory';
import { earliestExpiry } from '../time-left';

/** One of an attendee's hosts, as their card shows it. */
export interface CardHost {
  /** `single host`, `multi host 2`. */
  readonly label: string;
  readonly topology: TopologyKind;
  readonly hostIndex: number;
  /** Tag `Name`, when it has one. */
  readonly name?: string;
  readonly instanceId: string;
  readonly privateIp?: string;
  readonly publicIp?: string;
  /** The Session Manager console link: a shell in the browser. */
  readonly sessionUrl: string;
  /** `ssh -i lab-key.pem admin@203.0.113.10`, when SSH is open to this host and it has a public address. */
  readonly sshCommand?: string;
}

/**
 * How an attendee reaches their hosts. A small input on purpose: the workshop's
 * access model (who signs in as what, how they read only their own key) fills
 * `signIn` and `key`; without one, the card says to ask the organiser.
 */
export interface CardAccess {
  /** How to sign in to the AWS console before opening a Session Manager link. */
  readonly signIn: { readonly text: string; readonly url?: string };
  /** SSH, when port 22 is open to at least one of the attendee's hosts. */
  readonly ssh?: {
    /** The file the commands use. */
    readonly keyFile: string;
    /** How the attendee gets the private key, in words. */
    readonly keyHowTo: string;
    /** The command that saves it, when they can read it themselves. */
    readonly keyCommand?: string;
  };
}

/** A step as the card lists it, with the commands to run it by hand on the attendee's own hosts. */
export interface CardStep {
  readonly stepId: string;
  readonly title: string;
  readonly topology?: TopologyKind;
  /** Where it runs, in words: `your single host`, `each of your multi hosts`. */
  readonly where: string;
  /** `sudo /opt/container-networks/steps/01-.../run.sh`, with HOSTS for a step of several hosts (check.sh goes the same way). */
  readonly runCommand: string;
}

/** Everything one attendee's card shows, and nothing of anybody else. */
export interface AttendeeCard {
  readonly workshop: string;
  readonly attendee: string;
  readonly region: string;
  /** The earliest `expires-at` of their hosts. */
  readonly expiresAt?: string;
  readonly hosts: readonly CardHost[];
  readonly access: CardAccess;
  readonly steps: readonly CardStep[];
}

/** A deployed step: id, title, topology. */
export interface StepInfo {
  readonly stepId: string;
  readonly title: string;
  readonly topology?: TopologyKind;
}

/** What the cards are built from: the hosts and the workshop's facts, gathered from AWS. */
export interface CardInput {
  readonly workshop: string;
  readonly region: string;
  readonly hosts: readonly FoundHost[];
  readonly steps: readonly StepInfo[];
  /** Instance ids of hosts whose security groups admit TCP port 22. */
  readonly sshOpen: ReadonlySet<string>;
  /** The access section of an attendee's card (the same words for all, their own key). */
  readonly accessOf: (attendee: string, hosts: readonly FoundHost[]) => CardAccess;
}

/** One card per attendee, in name order; each is built from that attendee's hosts alone. */
export function buildAttendeeCards(input: CardInput, attendees: readonly string[]): AttendeeCard[] {
  return attendees.map((attendee) => {
    const own = input.hosts.filter((host) => host.attendee === attendee).sort(compareHosts);
    const expiresAt = earliestExpiry(own);
    return {
      workshop: input.workshop,
      attendee,
      region: input.region,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      hosts: own.map((host) => cardHost(input, host)),
      access: input.accessOf(attendee, own),
      steps: input.steps.map((step) => cardStep(step, own)),
    };
  });
}

function cardHost(input: CardInput, host: FoundHost): CardHost {
  const label = host.topology === 'single' ? 'single host' : `${host.topology} host ${host.hostIndex}`;
  const ssh = input.sshOpen.has(host.instanceId) && host.publicIp
    // Hosts deployed before the cnlab:login-user tag: admin, the default OS's (Debian's) user.
    ? `ssh -i lab-key.pem ${host.loginUser ?? 'admin'}@${host.publicIp}`
    : undefined;
  return {
    label,
    topology: host.topology,
    hostIndex: host.hostIndex,
    ...(host.name ? { name: host.name } : {}),
    instanceId: host.instanceId,
    ...(host.privateIp ? { privateIp: host.privateIp } : {}),
    ...(host.publicIp ? { publicIp: host.publicIp } : {}),
    sessionUrl: sessionManagerUrl(input.region, host.instanceId),
    ...(ssh ? { sshCommand: ssh } : {}),
  };
}

function cardStep(step: StepInfo, own: readonly FoundHost[]): CardStep {
  const folder = `${LAB_HOME}/steps/${step.stepId}`;
  const hosts = own.filter((host) => host.topology === step.topology);
  const many = step.topology !== undefined && takesHostsParameter(step.topology);
  const addresses = hosts.map((host) => host.privateIp).filter(Boolean).join(',');
  const env = many ? `HOSTS=${addresses} ` : '';
  const where = step.topology === undefined ? 'the host the organiser names'
    : hosts.length === 0 ? `a ${step.topology} host (you have none: ask the organiser)`
      : many ? `each of your ${step.topology} hosts` : `your ${step.topology} host`;
  return {
    stepId: step.stepId,
    title: step.title,
    ...(step.topology ? { topology: step.topology } : {}),
    where,
    runCommand: `sudo ${env}${folder}/run.sh`,
  };
}

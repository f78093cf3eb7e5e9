import { MIRROR_OUTAGE_SECONDS } from './fleet';

/** The rehearsal's command line options. */
export interface RehearsalOptions {
  /** Steps to rehearse (ids or numbers); undefined = all. */
  readonly steps?: string[];
  /** Keep the machines up at the end. */
  readonly keep: boolean;
  /** A pipework script to put on every machine as /usr/local/bin/pipework before boot. */
  readonly pipework?: string;
  /** Run `npx cdk synth --quiet` first. */
  readonly synth: boolean;
  /** The cloud assembly folder to read templates from. */
  readonly cdkOut?: string;
  /** Only templates whose file name contains this text. */
  readonly stack?: string;
  /** Docker variants (ids) to rehearse on; undefined = all. */
  readonly variants?: string[];
  /** Also boot a machine with a broken component and require a FAILURE signal naming it and carrying its log tail. */
  readonly failurePath: boolean;
  /** Also boot a machine whose package mirror refuses it for the first tries, and require it to become ready. */
  readonly mirrorOutage: boolean;
  /** TUNNEL_TYPE values a step with that parameter is rehearsed with. */
  readonly tunnels: string[];
  /** Longest time one action may take, in seconds. */
  readonly actionTimeoutSeconds: number;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run rehearse -- [options]

Rehearses the lab hosts and every lab step. For each Docker variant it boots
every lab host of the synthesized attendee template as a machine (a systemd
system container made from the variant's Debian release) from the host's own
user data, run by cloud-init, and waits for its readiness signal; then it runs
each step's SSM documents from the templates on those machines as the SSM
agent would. Needs root and a Docker engine. See docs/rehearsal.md.

Options:
  --steps LIST         steps to rehearse, by id or number: --steps 01,03 (default: all)
  --variants LIST      Docker variants: docker26 (Debian 13), docker28 (Debian unstable) (default: both)
  --no-failure-path    skip the machine booted with a broken component (it must signal FAILURE
                       naming the phase, with the end of its log)
  --no-mirror-outage   skip the machine booted while its package mirror refuses it for ${MIRROR_OUTAGE_SECONDS} s
                       (it must still become ready; needs iptables on this computer)
  --keep               leave the machines up at the end (default: remove them)
  --pipework PATH      put this pipework script on every machine before boot, as if its
                       download had worked; without it, pipework is reported NOT REHEARSED
  --no-synth           use cdk.out as it is (default: npx cdk synth --quiet into .rehearsal/cdk.out)
  --cdk-out DIR        read the templates from DIR (implies --no-synth)
  --stack TEXT         only templates whose file name contains TEXT
  --tunnels LIST       TUNNEL_TYPE values for the tunnel step (default gre,vxlan)
  --action-timeout S   longest time one action may take, in seconds (default 600)
  --help               this text
`;

function list(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** Parses the command line (without node and the script). Throws on anything it does not know. */
export function parseOptions(argv: readonly string[]): RehearsalOptions {
  let steps: string[] | undefined;
  let variants: string[] | undefined;
  let failurePath = true;
  let mirrorOutage = true;
  let keep = false;
  let pipework: string | undefined;
  let synth = true;
  let cdkOut: string | undefined;
  let stack: string | undefined;
  let tunnels = ['gre', 'vxlan'];
  let actionTimeoutSeconds = 600;
  let help = false;
  const args = [...argv];
  const value = (option: string): string => {
    const next = args.shift();
    if (next === undefined || next.startsWith('--')) {
      throw new Error(`${option} needs a value.`);
    }
    return next;
  };
  while (args.length > 0) {
    const raw = args.shift() as string;
    const [option, inline] = raw.includes('=') && raw.startsWith('--') ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)] : [raw, undefined];
    if (inline !== undefined) args.unshift(inline);
    switch (option) {
      case '--steps': steps = list(value(option)); break;
      case '--variants': variants = list(value(option)); break;
      case '--no-failure-path': failurePath = false; break;
      case '--no-mirror-outage': mirrorOutage = false; break;
      case '--keep': keep = true; break;
      case '--pipework': pipework = value(option); break;
      case '--no-synth': synth = false; break;
      case '--cdk-out': cdkOut = value(option); synth = false; break;
      case '--stack': stack = value(option); break;
      case '--tunnels': {
        tunnels = list(value(option));
        const wrong = tunnels.filter((tunnel) => !/^[a-z0-9]+$/.test(tunnel));
        if (tunnels.length === 0 || wrong.length > 0) {
          throw new Error(`--tunnels must list tunnel types such as gre,vxlan${wrong.length > 0 ? ` (not: ${wrong.join(', ')})` : ''}.`);
        }
        break;
      }
      case '--action-timeout': {
        actionTimeoutSeconds = Number(value(option));
        if (!Number.isFinite(actionTimeoutSeconds) || actionTimeoutSeconds <= 0) {
          throw new Error('--action-timeout must be a number of seconds.');
        }
        break;
      }
      case '--help': case '-h': help = true; break;
      default: throw new Error(`Unknown option ${raw} (see --help).`);
    }
  }
  return { steps, variants, failurePath, mirrorOutage, keep, pipework, synth, cdkOut, stack, tunnels, actionTimeoutSeconds, help };
}

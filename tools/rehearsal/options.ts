/** The rehearsal's command line options. */
export interface RehearsalOptions {
  /** Steps to rehearse (ids or numbers); undefined = all. */
  readonly steps?: string[];
  /** Keep the emulated hosts up at the end. */
  readonly keep: boolean;
  /** A pipework script to give the hosts as CNLAB_PIPEWORK. */
  readonly pipework?: string;
  /** Run `npx cdk synth --quiet` first. */
  readonly synth: boolean;
  /** The cloud assembly folder to read templates from. */
  readonly cdkOut?: string;
  /** Only templates whose file name contains this text. */
  readonly stack?: string;
  /** Hosts for multi-host steps. */
  readonly multiHosts: number;
  /** TUNNEL_TYPE values a step with that parameter is rehearsed with. */
  readonly tunnels: string[];
  /** Address of rh1; rh2, ... take the next ones. */
  readonly firstAddress: string;
  /** Longest time one action may take, in seconds. */
  readonly actionTimeoutSeconds: number;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run rehearse -- [options]

Rehearses every lab step on emulated hosts (network namespaces with their own
Docker engine and Open vSwitch, see assets/rehearsal/emulated-host.sh), running
the SSM documents from the synthesized templates (cdk.out) as the SSM agent
would. Needs root, dockerd, Open vSwitch. See docs/rehearsal.md.

Options:
  --steps LIST         steps to rehearse, by id or number: --steps 01,03 (default: all)
  --keep               leave the emulated hosts up at the end (default: tear down)
  --pipework PATH      run step 5 with this pipework script (CNLAB_PIPEWORK on the hosts);
                       without it, pipework commands are reported NOT REHEARSED
  --no-synth           use cdk.out as it is (default: npx cdk synth --quiet into .rehearsal/cdk.out)
  --cdk-out DIR        read the templates from DIR (implies --no-synth)
  --stack TEXT         only templates whose file name contains TEXT
  --multi-hosts N      hosts for multi-host steps, 2 to 8 (default 2)
  --tunnels LIST       TUNNEL_TYPE values for the tunnel step (default gre,vxlan)
  --first-address A    address of rh1; rh2, ... take the next ones (default 10.99.0.11)
  --action-timeout S   longest time one action may take, in seconds (default 600)
  --help               this text
`;

function list(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** Parses the command line (without node and the script). Throws on anything it does not know. */
export function parseOptions(argv: readonly string[]): RehearsalOptions {
  let steps: string[] | undefined;
  let keep = false;
  let pipework: string | undefined;
  let synth = true;
  let cdkOut: string | undefined;
  let stack: string | undefined;
  let multiHosts = 2;
  let tunnels = ['gre', 'vxlan'];
  let firstAddress = '10.99.0.11';
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
      case '--keep': keep = true; break;
      case '--pipework': pipework = value(option); break;
      case '--no-synth': synth = false; break;
      case '--cdk-out': cdkOut = value(option); synth = false; break;
      case '--stack': stack = value(option); break;
      case '--multi-hosts': {
        multiHosts = Number(value(option));
        if (!Number.isInteger(multiHosts) || multiHosts < 2 || multiHosts > 8) {
          throw new Error('--multi-hosts must be a whole number from 2 to 8.');
        }
        break;
      }
      case '--tunnels': {
        tunnels = list(value(option));
        const wrong = tunnels.filter((tunnel) => !/^[a-z0-9]+$/.test(tunnel));
        if (tunnels.length === 0 || wrong.length > 0) {
          throw new Error(`--tunnels must list tunnel types such as gre,vxlan${wrong.length > 0 ? ` (not: ${wrong.join(', ')})` : ''}.`);
        }
        break;
      }
      case '--first-address': firstAddress = value(option); break;
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
  return { steps, keep, pipework, synth, cdkOut, stack, multiHosts, tunnels, firstAddress, actionTimeoutSeconds, help };
}

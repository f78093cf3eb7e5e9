import * as fs from 'fs';
import * as path from 'path';
import { assetPath } from '../private/assets';

/** Options of {@link HostComponent.fromScript}. */
export interface HostComponentOptions {
  /** Component name: lower case letters, digits and single dashes, e.g. `open-vswitch`. Names the files on the host. */
  readonly name: string;
  /** Path of the install script (bash, idempotent) on this machine, read at synth time. */
  readonly installScript: string;
  /**
   * Path of the check script (bash, prints `PASS: ...` or `FAIL: ...`), read at synth time.
   * @default - no check: provisioning only runs the install script
   */
  readonly checkScript?: string;
  /**
   * What the component puts on the host, one line.
   * @default - the name
   */
  readonly description?: string;
}

/** Component names: lower case words joined by single dashes. */
const COMPONENT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * A piece of host software a lab host installs while it provisions: an
 * install script and, optionally, a check script. On the host they become
 * `components/<name>.sh` and `components/<name>.check.sh`, and
 * `components/order` lists the host's components in install order.
 *
 * The built-in components are the scripts in the package's
 * `assets/components/` folder; workshop authors add their own with
 * {@link HostComponent.fromScript}.
 */
export class HostComponent {
  /** Base tools the labs use (iproute2, bridge-utils, tcpdump, jq, curl, ...). */
  public static labTools(): HostComponent {
    return HostComponent.builtIn('lab-tools', 'Tools the labs use: iproute2, tcpdump, jq, curl and friends');
  }

  /** The login banner with the lab's expiry time, and warnings to every terminal 30 and 10 minutes before it. */
  public static expiryNotice(): HostComponent {
    return HostComponent.builtIn('expiry-notice', 'Login banner with the expiry time; warnings 30 and 10 minutes before it');
  }

  /** Docker Engine with the Compose v2 plugin. */
  public static dockerEngine(): HostComponent {
    return HostComponent.builtIn('docker-engine', 'Docker Engine and the docker compose plugin');
  }

  /** Open vSwitch (ovs-vsctl, ovs-docker). */
  public static openVSwitch(): HostComponent {
    return HostComponent.builtIn('open-vswitch', 'Open vSwitch with ovs-docker');
  }

  /** Pipework, the 2015 container plumbing script. */
  public static pipework(): HostComponent {
    return HostComponent.builtIn('pipework', 'Pipework at /usr/local/bin/pipework');
  }

  /** The lab images `cnlab/<name>`, built on the host from `images/`. */
  public static labImages(): HostComponent {
    return HostComponent.builtIn('lab-images', 'The lab images cnlab/<name>, built on the host');
  }

  /** All built-in components, in the order a host installs them. */
  public static defaults(): HostComponent[] {
    return [
      HostComponent.labTools(),
      HostComponent.expiryNotice(),
      HostComponent.dockerEngine(),
      HostComponent.openVSwitch(),
      HostComponent.pipework(),
      HostComponent.labImages(),
    ];
  }

  /** A component from scripts of your own. */
  public static fromScript(options: HostComponentOptions): HostComponent {
    return new HostComponent(options);
  }

  private static builtIn(name: string, description: string): HostComponent {
    const installScript = assetPath('components', `${name}.sh`);
    const checkScript = assetPath('components', `${name}.check.sh`);
    return new HostComponent({
      name,
      installScript,
      checkScript: fs.existsSync(checkScript) ? checkScript : undefined,
      description,
    });
  }

  /** Component name. */
  public readonly name: string;
  /** What the component puts on the host. */
  public readonly description: string;
  /** Absolute path of the install script. */
  public readonly installScript: string;
  /** Absolute path of the check script, if there is one. */
  public readonly checkScript?: string;

  private constructor(options: HostComponentOptions) {
    if (!COMPONENT_NAME.test(options.name) || options.name.length > 40) {
      throw new Error(`HostComponent: 'name' is ${JSON.stringify(options.name)}; allowed: up to 40 lower case letters and digits in words joined by single dashes, e.g. 'open-vswitch'.`);
    }
    const requireFile = (prop: string, file: string): string => {
      const absolute = path.resolve(file);
      if (!fs.existsSync(absolute) || !fs.statSync(absolute).isFile()) {
        throw new Error(`HostComponent ${options.name}: '${prop}' ${absolute} does not exist or is not a file.`);
      }
      return absolute;
    };
    this.name = options.name;
    this.description = options.description ?? options.name;
    this.installScript = requireFile('installScript', options.installScript);
    this.checkScript = options.checkScript === undefined ? undefined : requireFile('checkScript', options.checkScript);
  }
}

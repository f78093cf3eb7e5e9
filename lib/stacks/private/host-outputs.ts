import { CfnCondition, CfnOutput, Stack } from 'aws-cdk-lib';
import { sessionManagerUrl } from '../../contract';
import { LabHost } from '../../host/lab-host';

/** Which outputs {@link addHostOutputs} adds. */
export interface HostOutputOptions {
  /** Also the public IPv4 address. */
  readonly publicIp: boolean;
  /** Also the SSH command: always (true), never (false), or under a condition. */
  readonly ssh: boolean | CfnCondition;
  /** The condition of the other outputs (the self-contained template's topology choice). */
  readonly condition?: CfnCondition;
}

/** The outputs that reach a host: instance id, addresses, Session Manager link, SSH command. */
export function addHostOutputs(stack: Stack, host: LabHost, options: HostOutputOptions): void {
  // e.g. SingleHost/Host -> SingleHost, MultiHost/Host2 -> MultiHost2
  const pathInStack = host.node.path.split('/').slice(1);
  const name = pathInStack.join('').replace(/Host(Host)/, '$1').replace(/[^A-Za-z0-9]/g, '');
  const label = pathInStack.join('/');
  const condition = options.condition;
  new CfnOutput(stack, `${name}InstanceId`, { description: `${label}: instance id`, value: host.instanceId, condition });
  new CfnOutput(stack, `${name}PrivateIp`, { description: `${label}: private IPv4 address`, value: host.instancePrivateIp, condition });
  if (options.publicIp) {
    new CfnOutput(stack, `${name}PublicIp`, { description: `${label}: public IPv4 address`, value: host.instancePublicIp, condition });
  }
  new CfnOutput(stack, `${name}SessionUrl`, {
    description: `${label}: browser shell (Session Manager)`,
    value: sessionManagerUrl(stack.region, host.instanceId),
    condition,
  });
  if (options.ssh !== false) {
    new CfnOutput(stack, `${name}SshCommand`, {
      description: `${label}: SSH command (fetch key.pem with SshKeyCommand first)`,
      value: `ssh -i key.pem ${host.sshUser}@${host.instancePublicIp}`,
      condition: options.ssh === true ? undefined : options.ssh,
    });
  }
}

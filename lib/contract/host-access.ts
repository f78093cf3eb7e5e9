/**
 * How a person reaches a lab host: the Session Manager console link and the
 * command that saves a key pair's private key. The stacks print them as
 * outputs, the lab command on the attendee cards.
 */

/** The Session Manager console link of an instance. */
export function sessionManagerUrl(region: string, instanceId: string): string {
  return `https://${region}.console.aws.amazon.com/systems-manager/session-manager/${instanceId}?region=${region}`;
}

/**
 * The command that saves the private key of a key pair (which EC2 keeps in
 * the parameter `/ec2/keypair/<id>`) to `keyFile`. The file is created
 * readable by its owner only (umask 077, in a subshell so the caller's umask
 * stays as it was): with `> key.pem && chmod 600` it would be readable by
 * everyone on that computer between the two.
 */
export function saveKeyCommand(keyPairId: string, keyFile: string, region?: string): string {
  const regionOption = region === undefined ? '' : ` --region ${region}`;
  return `(umask 077 && aws ssm get-parameter${regionOption} --name /ec2/keypair/${keyPairId} --with-decryption --query Parameter.Value --output text > ${keyFile})`;
}

import { CfnResource } from 'aws-cdk-lib';
import { NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { NO_EIP_NO_NAT } from './no-eip-no-nat';
import { TEMPLATE_LIMITS_RULE } from './template-limits';
import { TUNNEL_ISOLATION } from './tunnel-isolation';
import { USER_DATA_SIZE } from './user-data-size';
import { WorkshopRule } from './workshop-rule';

/** Every workshop rule, in the order they are reported. */
export const WORKSHOP_RULES: readonly WorkshopRule[] = [TUNNEL_ISOLATION, NO_EIP_NO_NAT, TEMPLATE_LIMITS_RULE, USER_DATA_SIZE];

/**
 * The workshop's invariants as a cdk-nag rule pack, checked at synth time:
 * tunnels only between an attendee's own hosts, no Elastic IP or NAT
 * gateway, templates within CloudFormation's limits, user data within EC2's.
 * buildWorkshopApp registers it; add it to an app of your own with
 * `Validations.of(app).addPlugins(new WorkshopChecks(app))`. Acknowledge a
 * finding like any cdk-nag rule, with its id (`Workshop-TunnelIsolation`)
 * and a reason.
 */
export class WorkshopChecks extends NagPack {
  /** The pack's name, the prefix of its rule ids. */
  public readonly name = 'Workshop';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'Workshop';
  }

  protected checkResource(node: CfnResource): void {
    for (const rule of WORKSHOP_RULES) {
      this.applyRule({ ruleSuffixOverride: rule.id, info: rule.info, explanation: rule.explanation, level: rule.level, rule: rule.rule, node });
    }
  }
}

"""moto_server for `npm run deploy:local`, with five emulator gaps filled.

Runs moto's own server entry point (the `moto_server` command: same
arguments), after two fixes in moto's SSM model and three in its
CloudFormation:

  1. AWS::SSM::Document created by CloudFormation with Content given as a JSON
  object: moto 5.2 keeps the object and answers GetDocument with Content as
  a JSON object instead of a string (real SSM returns the document text), so
  any client that parses Content (the lab command does) fails. The shim
  stores such content as JSON text, as SSM does.

  2. SendCommand with InstanceIds and no Targets: moto 5.2 adds the instances
  "matched" by the empty Targets, i.e. every instance in the region, to the
  command, so ListCommands and ListCommandInvocations claim a command went to
  hosts it was never sent to. The shim adds target instances only when
  Targets are given, as SSM does.

  3. AWS::EC2::KeyPair: moto 5.2 has EC2 key pairs but no CloudFormation
  resource for them, so it skips the resource, and a template that reads its
  KeyPairId (Fn::GetAtt) fails to deploy. The shim adds the resource: it
  creates the key pair through moto's EC2 (Ref: its name; KeyPairId,
  KeyFingerprint) and deletes it with the stack. Every attendee stack has a
  key pair (SSH on or off).

  4. UpdateStack with UsePreviousValue for a parameter the stack was created
  with its default (the CDK's BootstrapVersion, an attendee's ExpiresAt):
  moto 5.2 remembers only the parameters given at creation and fails with a
  KeyError (an HTML error page). CloudFormation knows every parameter's
  value; the shim passes the value the stack has (moto's resolved value), so
  a later `cdk deploy` with another default keeps it, as on AWS; an SSM
  parameter type takes its default again (moto keeps only its resolved
  value). `lab extend` and `cdk deploy` update stacks this way.

  5. An update of an AWS::EC2::Instance whose tags change: moto 5.2 has no
  update for instances, so the instance drops out of the stack and the next
  DescribeStacks fails on the outputs that name it. On AWS a tag change
  updates the instance in place; so does the shim (the tags, nothing else).

Nothing about the templates or the app changes; these only make the
emulator answer like AWS. See docs/deploy-local.md.
"""
import inspect
import json
import sys

import moto
import moto.cloudformation.models as cloudformation_models
import moto.ssm.models as ssm_models
from moto.core.common_models import CloudFormationModel
import moto.ec2.models.instances as ec2_instances
from moto.ec2.models import ec2_backends
from moto.server import main

_document_init = ssm_models.Document.__init__
_document_signature = inspect.signature(_document_init)


def _document_init_with_text_content(*args, **kwargs):
    bound = _document_signature.bind(*args, **kwargs)
    content = bound.arguments.get("content")
    if isinstance(content, dict) and bound.arguments.get("document_format") == "JSON":
        bound.arguments["content"] = json.dumps(content)
    _document_init(*bound.args, **bound.kwargs)


ssm_models.Document.__init__ = _document_init_with_text_content

_instance_ids_from_targets = ssm_models.Command._get_instance_ids_from_targets


def _instance_ids_from_given_targets_only(self):
    return _instance_ids_from_targets(self) if self.targets else []


ssm_models.Command._get_instance_ids_from_targets = _instance_ids_from_given_targets_only

_resolve_update_parameters = cloudformation_models.CloudFormationBackend._resolve_update_parameters


def _previous_value(instance, key):
    """The value CloudFormation knows for a parameter the stack took the default of, or None
    when the default is to be taken again (SSM parameter types: moto keeps only the resolved
    value, which is no parameter name)."""
    slot = getattr(instance, "template_dict", {}).get("Parameters", {}).get(key, {})
    resolved = getattr(instance, "stack_parameters", {})
    if slot.get("Type", "String").startswith("AWS::SSM::Parameter::") or not isinstance(resolved.get(key), str):
        return None
    return resolved[key]


def _resolve_update_parameters_known_only(self, instance, incoming_params):
    known = []
    for parameter in incoming_params:
        key = parameter["ParameterKey"]
        if not parameter.get("UsePreviousValue", False) or key in instance.parameters:
            known.append(parameter)
        elif _previous_value(instance, key) is not None:
            known.append({"ParameterKey": key, "ParameterValue": _previous_value(instance, key)})
    return _resolve_update_parameters(self, instance, known)


cloudformation_models.CloudFormationBackend._resolve_update_parameters = _resolve_update_parameters_known_only



class _KeyPairResource(CloudFormationModel):
    """AWS::EC2::KeyPair, on moto's EC2 key pairs (fix 3)."""

    # moto files every model under the service its module names (moto.<service>...).
    __module__ = "moto.ec2.cnlab_key_pair"

    def __init__(self, key_pair, account_id, region_name):
        self.key_pair = key_pair
        self.account_id = account_id
        self.region_name = region_name

    @staticmethod
    def cloudformation_name_type():
        return "KeyName"

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::KeyPair"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("KeyPairId", "KeyFingerprint")

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json.get("Properties", {})
        tags = {tag["Key"]: tag["Value"] for tag in properties.get("Tags", [])}
        backend = ec2_backends[account_id][region_name]
        key_pair = backend.create_key_pair(properties.get("KeyName", resource_name), properties.get("KeyType", "rsa"), tags)
        return cls(key_pair, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        ec2_backends[account_id][region_name].delete_key_pair(cloudformation_json.get("Properties", {}).get("KeyName", resource_name))

    def delete(self, account_id, region_name):
        ec2_backends[account_id][region_name].delete_key_pair(self.key_pair.key_name)

    @property
    def physical_resource_id(self):
        return self.key_pair.key_name

    def get_cfn_attribute(self, attribute_name):
        if attribute_name == "KeyPairId":
            return self.key_pair.id
        if attribute_name == "KeyFingerprint":
            return self.key_pair.key_fingerprint
        raise KeyError(attribute_name)


def _update_instance_tags(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    for tag in cloudformation_json.get("Properties", {}).get("Tags", []):
        original_resource.add_tag(tag["Key"], tag["Value"])
    return original_resource


ec2_instances.Instance.update_from_cloudformation_json = classmethod(_update_instance_tags)


if __name__ == "__main__":
    print(f"moto {moto.__version__} with the deploy:local shim (SSM document content as text, SendCommand without Targets, AWS::EC2::KeyPair, UsePreviousValue, instance tag updates)", flush=True)
    main(sys.argv[1:])

"""moto_server for `npm run deploy:local`, with two emulator bugs fixed.

Runs moto's own server entry point (the `moto_server` command: same
arguments), after two fixes in moto's SSM model:

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

Nothing about the templates or the app changes; these only make the
emulator answer like AWS. See docs/deploy-local.md.
"""
import inspect
import json
import sys

import moto
import moto.ssm.models as ssm_models
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

if __name__ == "__main__":
    print(f"moto {moto.__version__} with the deploy:local shim (SSM document content as text, SendCommand without Targets)", flush=True)
    main(sys.argv[1:])

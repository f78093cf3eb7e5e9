#!/bin/bash
# EC2 user data of a container-networks-lab host. The CDK app fills in the
# placeholders (the names in double at-signs) at synth time. Cloud-init runs this once, as root, at
# first boot; everything it prints goes to the log file below.
#
#   1. install aws-cfn-bootstrap (cfn-init, cfn-signal: not on Ubuntu/Debian)
#   2. on Debian, install the SSM agent (Ubuntu images already have it)
#   3. cfn-init writes the lab files from the template's metadata
#   4. provision.sh installs and checks Docker, Open vSwitch, pipework, images
#   5. cfn-signal tells CloudFormation: success, or failure with the phase
set -uo pipefail

STACK='@@STACK_NAME@@'
SIGNAL_RESOURCE='@@LOGICAL_ID@@'  # the instance; its creation policy waits for our signal
INIT_RESOURCE='@@INIT_RESOURCE@@' # the resource whose metadata holds the lab files
REGION='@@REGION@@'
CONFIGSETS='@@CONFIGSETS@@'       # the cfn-init config set holding the files
HOST_OS='@@HOST_OS@@'             # debian-13 | ubuntu-24.04
LAB_IMAGES='@@LAB_IMAGES@@'       # the lab images this host's steps use

LOG=/var/log/container-networks-provision.log
CFN_BOOTSTRAP_URL=https://s3.amazonaws.com/cloudformation-examples/aws-cfn-bootstrap-py3-latest.tar.gz
export CNLAB_HOME=/opt/container-networks
export CNLAB_FAILED_STEP_FILE=/var/lib/container-networks/failed-step
export HOME=${HOME:-/root} DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/aws/bin

exec > >(tee -a "$LOG") 2>&1
echo "=== container-networks-lab host setup: stack $STACK, $HOST_OS, $(date -u) ==="

# signal SUCCESS REASON: report to the instance's creation policy.
signal() {
  if [ -x /opt/aws/bin/cfn-signal ]; then
    /opt/aws/bin/cfn-signal --success "$1" --reason "$2" \
      --stack "$STACK" --resource "$SIGNAL_RESOURCE" --region "$REGION" ||
      echo "cfn-signal itself failed"
  else
    # Without cfn-signal nobody can tell CloudFormation: the creation policy
    # then times out and the stack rolls back after its timeout.
    echo "cannot signal CloudFormation: cfn-signal is not installed"
  fi
}

# give_up PHASE: every failure ends here, so CloudFormation hears about it
# (when cfn-signal exists) instead of waiting for the creation policy to time out.
give_up() {
  echo "=== FAILED at: $1 (log: $LOG) ==="
  signal false "failed at: $1"
  exit 1
}

step() {
  echo "--- $1 ---"
}

apt_get() {
  apt-get -o DPkg::Lock::Timeout=300 -q "$@"
}

step "aws-cfn-bootstrap (cfn-init, cfn-signal) into /opt/aws/cfn-bootstrap"
if [ ! -x /opt/aws/bin/cfn-signal ]; then
  # A failure in this block cannot be signalled (no cfn-signal yet): the
  # creation policy times out instead. The log above says what went wrong.
  # At first boot apt's own timers may hold the package lists for a while
  # (DPkg::Lock::Timeout covers only the dpkg lock): try for five minutes.
  updated=no
  for _ in $(seq 30); do
    if apt_get update; then updated=yes; break; fi
    sleep 10
  done
  [ "$updated" = yes ] || give_up "apt-get update"
  apt_get install -y --no-install-recommends python3-venv python3-pip curl ca-certificates ||
    give_up "python3-venv install"
  python3 -m venv /opt/aws/cfn-bootstrap || give_up "cfn-bootstrap venv"
  /opt/aws/cfn-bootstrap/bin/pip install --quiet "$CFN_BOOTSTRAP_URL" ||
    give_up "aws-cfn-bootstrap install"
  mkdir -p /opt/aws/bin
  ln -sf /opt/aws/cfn-bootstrap/bin/cfn-* /opt/aws/bin/
fi

if [ "${HOST_OS%%-*}" = debian ] && ! command -v amazon-ssm-agent >/dev/null 2>&1; then
  step "SSM agent (Debian images do not include it)"
  arch=$(dpkg --print-architecture)  # amd64 or arm64
  deb=/tmp/amazon-ssm-agent.deb
  curl -fsSL --retry 3 -o "$deb" \
    "https://s3.$REGION.amazonaws.com/amazon-ssm-$REGION/latest/debian_$arch/amazon-ssm-agent.deb" ||
    give_up "ssm-agent download"
  dpkg -i "$deb" || give_up "ssm-agent install"
  systemctl enable --now amazon-ssm-agent || give_up "ssm-agent start"
fi

step "cfn-init: write the lab files from $INIT_RESOURCE's metadata"
/opt/aws/bin/cfn-init -v --stack "$STACK" --resource "$INIT_RESOURCE" --region "$REGION" \
  --configsets "$CONFIGSETS" ||
  give_up "cfn-init (see /var/log/cfn-init.log)"

step "provision.sh: install and check the host software"
# The lab-images component builds (and checks) the images listed here.
mkdir -p /var/lib/container-networks
printf '%s\n' "$LAB_IMAGES" >/var/lib/container-networks/lab-images
if ! bash "$CNLAB_HOME/provision.sh"; then
  give_up "$(cat "$CNLAB_FAILED_STEP_FILE" 2>/dev/null || echo provision)"
fi

signal true "lab host ready"
echo "=== container-networks-lab host ready: $(date -u) ==="

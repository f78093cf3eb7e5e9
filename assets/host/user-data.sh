#!/bin/bash
# EC2 user data of a container-networks-lab host. The CDK app fills in the
# placeholders (the names in double at-signs) at synth time. Cloud-init runs this once, as root, at
# first boot; everything it prints goes to the log file below.
#
#   1. install aws-cfn-bootstrap (cfn-init, cfn-signal: not on Ubuntu/Debian)
#   2. on Debian, install the SSM agent (Ubuntu images already have it)
#   3. cfn-init writes the lab files from the template's metadata
#   4. provision.sh installs and checks Docker, Open vSwitch, pipework, images
#   5. cfn-signal tells CloudFormation: success (saying "degraded" when a
#      component could not do its part), or failure with the phase and the
#      last lines of its log
set -uo pipefail

STACK='@@STACK_NAME@@'
SIGNAL_RESOURCE='@@LOGICAL_ID@@'  # the instance; its creation policy waits for our signal
INIT_RESOURCE='@@INIT_RESOURCE@@' # the resource whose metadata holds the lab files
REGION='@@REGION@@'
CONFIGSETS='@@CONFIGSETS@@'       # the cfn-init config set holding the files
HOST_OS='@@HOST_OS@@'             # debian-13 | ubuntu-24.04
LAB_IMAGES='@@LAB_IMAGES@@'       # the lab images this host's steps use
# The presigned URL of the host's wait condition: the one way a reason (why a
# host failed, with its log) reaches CloudFormation's events; the creation
# policy's signal carries none.
WAIT_HANDLE='@@WAIT_HANDLE@@'

LOG=/var/log/container-networks-provision.log
CFN_BOOTSTRAP_URL=https://s3.amazonaws.com/cloudformation-examples/aws-cfn-bootstrap-py3-latest.tar.gz
export CNLAB_HOME=/opt/container-networks
export CNLAB_FAILED_STEP_FILE=/var/lib/container-networks/failed-step
DEGRADED_FILE=/var/lib/container-networks/degraded
export HOME=${HOME:-/root} DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/aws/bin

exec > >(tee -a "$LOG") 2>&1
echo "=== container-networks-lab host setup: stack $STACK, $HOST_OS, $(date -u) ==="

# signal SUCCESS REASON: report to the wait condition (with the reason) and to
# the instance's creation policy (which gates the stack).
signal() {
  if [ ! -x /opt/aws/bin/cfn-signal ]; then
    # Without cfn-signal nobody can tell CloudFormation: the creation policy
    # then times out and the stack rolls back after its timeout.
    echo "cannot signal CloudFormation: cfn-signal is not installed"
    return
  fi
  /opt/aws/bin/cfn-signal --success "$1" --reason "$2" "$WAIT_HANDLE" ||
    echo "cfn-signal to the wait condition failed"
  # A failure: the wait condition above has failed the stack with the reason;
  # a minute later the creation policy hears it too (it matters when a host
  # replaced by an update fails: its old wait condition is done already).
  [ "$1" = true ] || sleep 60
  /opt/aws/bin/cfn-signal --success "$1" \
    --stack "$STACK" --resource "$SIGNAL_RESOURCE" --region "$REGION" ||
    echo "cfn-signal itself failed"
}

# failure_reason PHASE: "failed at: PHASE | <last lines of the log>", on one
# line of plain printable characters (CloudFormation refuses others), at most
# 1,000 characters (CloudFormation shows about that much of a reason, and a
# wait condition takes 4,096 bytes in all): the phase, then the END of the log.
failure_reason() {
  local head="failed at: $1 | " tail room
  tail=$(grep -v -e '^=== FAILED at:' -e '^$' "$LOG" 2>/dev/null | tail -n 12 | plain | paste -sd '|' | sed 's/|/ | /g')
  room=$((1000 - ${#head}))
  [ "${#tail}" -le "$room" ] || tail=${tail: -room}
  printf '%s%s' "$head" "$tail"
}

# plain: printable ASCII only, without the quote and the backslash (octal 042, 134).
plain() {
  LC_ALL=C tr -c '[:print:]\n' ' ' | LC_ALL=C tr -d '\042\134'
}

# give_up PHASE: every failure ends here, so CloudFormation hears about it
# (when cfn-signal exists) instead of waiting for the creation policy to time out.
give_up() {
  echo "=== FAILED at: $1 (log: $LOG) ==="
  signal false "$(failure_reason "$1")"
  exit 1
}

step() {
  echo "--- $1 ---"
}

apt_get() {
  apt-get -o DPkg::Lock::Timeout=300 -q "$@"
}

# retry TIMES FIRST_WAIT COMMAND...: COMMAND until it succeeds, at most TIMES
# times, waiting FIRST_WAIT seconds, then twice as long each time, plus a
# random part (hundreds of hosts booting at once must not retry in step).
retry() {
  local times=$1 wait=$2 n=1
  shift 2
  until "$@"; do
    [ "$n" -lt "$times" ] || return 1
    echo "try $n of $times failed: $*; again in about $wait s"
    sleep $((wait + RANDOM % (wait / 2 + 1)))
    n=$((n + 1)) wait=$((wait * 2 > 300 ? 300 : wait * 2))
  done
}

step "aws-cfn-bootstrap (cfn-init, cfn-signal) into /opt/aws/cfn-bootstrap"
if [ ! -x /opt/aws/bin/cfn-signal ]; then
  # A failure in this block cannot be signalled (no cfn-signal yet): the
  # creation policy times out instead. The log above says what went wrong.
  # A busy mirror, or at first boot apt's own timers holding the package
  # lists (DPkg::Lock::Timeout covers only the dpkg lock): about 10 minutes of tries.
  # (Error-Mode=any: otherwise apt-get update exits 0 when the mirror is out of reach.)
  retry 7 10 apt_get -o APT::Update::Error-Mode=any update || give_up "apt-get update"
  retry 4 15 apt_get install -y --no-install-recommends python3-venv python3-pip curl ca-certificates ||
    give_up "python3-venv install"
  python3 -m venv /opt/aws/cfn-bootstrap || give_up "cfn-bootstrap venv"
  retry 5 10 /opt/aws/cfn-bootstrap/bin/pip install --quiet "$CFN_BOOTSTRAP_URL" ||
    give_up "aws-cfn-bootstrap install"
  mkdir -p /opt/aws/bin
  ln -sf /opt/aws/cfn-bootstrap/bin/cfn-* /opt/aws/bin/
fi

if [ "${HOST_OS%%-*}" = debian ] && ! command -v amazon-ssm-agent >/dev/null 2>&1; then
  step "SSM agent (Debian images do not include it)"
  arch=$(dpkg --print-architecture)  # amd64 or arm64
  deb=/tmp/amazon-ssm-agent.deb
  retry 5 10 curl -fsSL --connect-timeout 10 --max-time 120 -o "$deb" \
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

if [ -s "$DEGRADED_FILE" ]; then
  # Ready for the steps, without what a component could not get (see lab hosts).
  signal true "lab host ready, degraded: $(paste -sd ';' "$DEGRADED_FILE" | plain | cut -c 1-900)"
else
  signal true "lab host ready"
fi
echo "=== container-networks-lab host ready: $(date -u) ==="

#!/usr/bin/env bash
# Consumer test (npm run test:consumer): uses container-networks-lab the way
# another workshop author would. Packs the library (prepack builds it), checks
# the tarball's file list and that the public .d.ts files reach no internal
# module, then copies examples/mini-workshop into a fresh temporary app that
# depends on the tarball, installs it OFFLINE from the npm cache (the packages
# are there because this repository's own `npm ci` fetched them), type-checks
# the app against the package's .d.ts, synthesizes it with its own cdk.json,
# and checks the result: 2 hosts carrying the example's component and steps,
# and the documents of the 2 example steps. Last, it runs the installed `lab`
# bin (the single-file bundle) with --help and checks it loads no other file.
#
# Set CNLAB_KEEP_CONSUMER=1 to keep the temporary folder for a look.
set -euo pipefail

cd "$(dirname "$0")/../.."
repo=$PWD
start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/cnlab-consumer.XXXXXX")
cleanup() {
  if [ "${CNLAB_KEEP_CONSUMER:-}" = 1 ]; then
    echo "consumer: kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

step() { printf '\n--- consumer: %s (%d s)\n' "$*" $((SECONDS - start)); }

step "shellcheck the example's scripts"
if command -v shellcheck >/dev/null 2>&1; then
  find examples -type f -name '*.sh' -print0 | xargs -0 shellcheck -x
else
  echo "consumer: shellcheck is not installed; skipped (CI installs it)"
fi

step "npm pack (prepack builds dist/)"
npm pack --json --pack-destination "$work" >"$work/pack.json"
tarball=$(node -e 'const t=require("fs").readFileSync(process.argv[1],"utf8");console.log(JSON.parse(t.slice(t.indexOf("[\n")))[0].filename)' "$work/pack.json")
node test/ci/consumer/verify.js pack "$work/pack.json"

step "public API: declaration files"
mkdir "$work/unpacked"
tar -xzf "$work/$tarball" -C "$work/unpacked"
node test/ci/consumer/verify.js api "$work/unpacked/package"

step "a fresh app from examples/mini-workshop"
cp -R examples/mini-workshop "$work/app"
rm -rf "$work/app/cdk.out" "$work/app/node_modules"
node test/ci/consumer/prepare-app.js "$work/app" "$work/$tarball"

step "npm install --offline (from the npm cache)"
(cd "$work/app" && npm install --offline --no-audit --no-fund --loglevel=error) || {
  echo "consumer: the offline install failed: a package the app needs is not in the npm cache ($(npm config get cache))." >&2
  echo "consumer: run 'npm ci' in the repository first (it fills the cache)." >&2
  exit 1
}
# The installed package is the tarball, not a link to this repository.
[ ! -L "$work/app/node_modules/container-networks-lab" ] || { echo "consumer: node_modules/container-networks-lab is a link" >&2; exit 1; }
[ -f "$work/app/node_modules/container-networks-lab/assets/lib/lab.sh" ] || { echo "consumer: assets missing from the installed package" >&2; exit 1; }

step "tsc --noEmit: the example type-checks against the package's .d.ts"
(cd "$work/app" && npx --no-install tsc -p tsconfig.json)

step "npx cdk synth (the app's own cdk.json)"
# No notices or telemetry: this must work without a network.
(cd "$work/app" && CDK_DISABLE_CLI_TELEMETRY=true npx --no-install cdk synth --quiet --no-notices --no-version-reporting >"$work/synth.log" 2>&1) || {
  cat "$work/synth.log" >&2
  exit 1
}
# The hosts' files came from the installed package, not from this repository.
if grep -rqF "$repo/assets" "$work/app/cdk.out"/*.json; then
  echo "consumer: the cloud assembly refers to $repo/assets" >&2
  exit 1
fi

step "check the cloud assembly"
node test/ci/consumer/verify.js synth "$work/app"

step "the installed lab command (the bundle): --help, and what it loads"
node test/ci/consumer/verify.js lab "$work/app"

printf '\nconsumer: passed in %d s\n' $((SECONDS - start))

#!/usr/bin/env bash
# Lints every CloudFormation template the project produces with cfn-lint (npm run lint:cfn).
#
#   test/ci/cfn-lint.sh              synthesize, then lint:
#                                   default     the app with its default context
#                                   attendees3  -c attendees=a,b,c -c sshCidr=203.0.113.0/24
#                                               (several attendee stacks, key pairs, SSH rules)
#                                   template    the self-contained template (npm run template),
#                                               when package.json has that script
#                                   examples    each example app or template under examples/
#   test/ci/cfn-lint.sh PATH...      lint these templates, or the *.template.json of these
#                                 cloud assembly folders, without synthesizing
#
# Settings and the list of ignored checks (with reasons): .cfnlintrc.yaml.
# Errors fail the run (--non-zero-exit-code error); warnings and informational
# findings are printed. Output folders: cdk.out.lint/<set>/ (git-ignored).
set -euo pipefail

cd "$(dirname "$0")/../.."

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint is not installed: .ci/run installs it (pinned, in a virtual environment), or pip install 'cfn-lint==1.51.0'" >&2
  exit 1
fi

OUT=cdk.out.lint
CONFIG=.cfnlintrc.yaml
START=$SECONDS
failed=()
passed=()
notices=()

# lint SET FILE...: cfn-lint on the files, recording the result under SET.
lint() {
  local set=$1
  shift
  if [ "$#" -eq 0 ]; then
    echo "[cfn-lint] $set: no templates found" >&2
    failed+=("$set (no templates)")
    return 0
  fi
  echo "[cfn-lint] $set: $# template(s): $*"
  if cfn-lint --config-file "$CONFIG" --non-zero-exit-code error -- "$@"; then
    passed+=("$set")
  else
    echo "[cfn-lint] $set: FAILED (errors above)" >&2
    failed+=("$set")
  fi
}

# templates_in DIR: the cloud assembly's templates (nested assemblies included), sorted.
templates_in() {
  find "$1" -name '*.template.json' -type f | sort
}

# synth SET DIR APP_ARGS...: cdk synth in DIR into $OUT/SET; prints the log on failure.
synth() {
  local set=$1 dir=$2 outdir
  shift 2
  outdir="$PWD/$OUT/$set"
  rm -rf "$outdir"
  mkdir -p "$outdir"
  echo "[cfn-lint] $set: cdk synth $*"
  if ! (cd "$dir" && npx cdk synth --quiet --no-notices -o "$outdir" "$@") >"$OUT/$set.synth.log" 2>&1; then
    cat "$OUT/$set.synth.log" >&2
    echo "[cfn-lint] $set: cdk synth FAILED (log: $OUT/$set.synth.log)" >&2
    failed+=("$set (synth)")
    return 1
  fi
}

lint_set() {
  local set=$1
  local -a files
  mapfile -t files < <(templates_in "$OUT/$set")
  lint "$set" "${files[@]}"
}

# The self-contained template. Contract with `npm run template`: it prints the
# template on stdout, or prints the path of the file it wrote as its last line.
self_contained_template() {
  if ! node -e 'process.exit(require("./package.json").scripts?.template ? 0 : 1)'; then
    notices+=("template: NOT LINTED - package.json has no 'template' script yet (npm run template)")
    return 0
  fi
  mkdir -p "$OUT/template"
  echo "[cfn-lint] template: npm run template"
  if ! npm run --silent template >"$OUT/template/stdout" 2>"$OUT/template/stderr"; then
    cat "$OUT/template/stderr" >&2
    echo "[cfn-lint] template: npm run template FAILED" >&2
    failed+=("template (npm run template)")
    return 0
  fi
  local last
  last=$(grep -v '^[[:space:]]*$' "$OUT/template/stdout" | tail -n 1 || true)
  if grep -q '"Resources"\|^Resources:' "$OUT/template/stdout"; then
    cp "$OUT/template/stdout" "$OUT/template/self-contained.template"
    lint template "$OUT/template/self-contained.template"
  elif [ -n "$last" ] && [ -f "$last" ]; then
    lint template "$last"
  else
    echo "[cfn-lint] template: npm run template printed neither a template nor the path of one; see $OUT/template/stdout and update test/ci/cfn-lint.sh" >&2
    failed+=("template (output not understood)")
  fi
}

# Example workshops: folders with a cdk.json are synthesized there; *.ts apps
# (files that call .synth()) with --app; *.template.json/yaml files are linted as they are.
examples() {
  if [ ! -d examples ]; then
    notices+=("examples: NOT LINTED - there is no examples/ folder yet")
    return 0
  fi
  local found=0 dir name file inside
  local -a app_dirs
  mapfile -t app_dirs < <(find examples -name cdk.json -not -path '*/node_modules/*' -not -path '*/cdk.out*' -printf '%h\n' | sort)
  # The examples import the package as its users do, from its build (dist/).
  if [ "${#app_dirs[@]}" -gt 0 ] && [ ! -f dist/lib/index.js ]; then
    echo "[cfn-lint] the examples need the package's build: npm run build"
    npm run --silent build
  fi
  for dir in "${app_dirs[@]}"; do
    found=1
    name="example-$(basename "$dir")"
    synth "$name" "$dir" && lint_set "$name"
  done
  while IFS= read -r file; do
    # Apps inside a cdk.json folder (at any depth) were synthesized above.
    inside=0
    for dir in "${app_dirs[@]}"; do
      case "$file" in "$dir"/*) inside=1 ;; esac
    done
    [ "$inside" -eq 1 ] && continue
    grep -q '\.synth()' "$file" || continue
    found=1
    name="example-$(basename "$file" .ts)"
    synth "$name" . --app "npx tsx $file" && lint_set "$name"
  done < <(find examples -name '*.ts' -not -name '*.d.ts' -not -path '*/node_modules/*' -type f | sort)
  local -a templates
  mapfile -t templates < <(find examples \( -name '*.template.json' -o -name '*.template.yaml' -o -name '*.template.yml' \) -not -path '*/cdk.out*' -not -path '*/node_modules/*' -type f | sort)
  if [ "${#templates[@]}" -gt 0 ]; then
    found=1
    lint examples-templates "${templates[@]}"
  fi
  if [ "$found" -eq 0 ]; then
    notices+=("examples: NOT LINTED - examples/ has no cdk.json folder, *.ts app or *.template.* file; update test/ci/cfn-lint.sh if it holds something else")
  fi
}

echo "[cfn-lint] $(cfn-lint --version), config $CONFIG"
mkdir -p "$OUT"
if [ "$#" -gt 0 ]; then
  for path in "$@"; do
    if [ -d "$path" ]; then
      mapfile -t files < <(templates_in "$path")
      lint "$path" "${files[@]}"
    else
      lint "$path" "$path"
    fi
  done
else
  synth default . && lint_set default
  synth attendees3 . -c attendees=a,b,c -c sshCidr=203.0.113.0/24 && lint_set attendees3
  self_contained_template
  examples
fi

echo
for set in "${passed[@]}"; do echo "[cfn-lint] ok      $set"; done
for set in "${failed[@]}"; do echo "[cfn-lint] FAILED  $set"; done
for notice in "${notices[@]}"; do echo "[cfn-lint] NOTICE  $notice"; done
echo "[cfn-lint] ${#passed[@]} passed, ${#failed[@]} failed, ${#notices[@]} not linted, in $((SECONDS - START)) s"
[ "${#failed[@]}" -eq 0 ]

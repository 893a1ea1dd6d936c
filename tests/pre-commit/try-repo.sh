#!/usr/bin/env bash
# The pre-commit hook, run with the real pre-commit (from PyPI) the way a
# user tries it: `pre-commit try-repo <this repository> posture --files ...`
# in a scratch git repository, on a good and a bad manifest.
#
# Usage: tests/pre-commit/try-repo.sh PRE_COMMIT_EXECUTABLE
# (`cargo xtask test` installs pre-commit into target/pre-commit/venv and
# runs this). try-repo clones the repository's committed state (plus any
# uncommitted changes to tracked files), so new hook files must be at least
# staged.
#
# try-repo builds the hook in a fresh, temporary pre-commit store each time
# (a release build of this crate, `cargo install --bins --path .`), so
# PRE_COMMIT_HOME does not carry the build over; CARGO_TARGET_DIR does: the
# dependencies are compiled once (and kept under target/ across runs), and
# the second try-repo rebuilds only this crate.
set -euo pipefail
pre_commit=${1:?usage: try-repo.sh PRE_COMMIT_EXECUTABLE}
root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/target/pre-commit"
export PRE_COMMIT_HOME="$work/home"
export CARGO_TARGET_DIR="$work/cargo-target"
export PRE_COMMIT_COLOR=never NO_COLOR=1
passed=0
failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
not_ok() { echo "FAILED: $1"; failed=$((failed + 1)); }

# The hook manifest as pre-commit validates it, and action.yml as YAML with
# the shape of a composite action (pre-commit brings PyYAML along).
if "$pre_commit" validate-manifest "$root/.pre-commit-hooks.yaml"; then
  ok "pre-commit validate-manifest .pre-commit-hooks.yaml"
else
  not_ok "pre-commit validate-manifest .pre-commit-hooks.yaml"
fi
python=$(dirname "$pre_commit")/python
if "$python" - "$root/action.yml" <<'PY'
import sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
assert action["runs"]["using"] == "composite", action["runs"]
steps = action["runs"]["steps"]
assert all("shell" in s for s in steps if "run" in s), "every run step needs a shell"
assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in steps)
for name in ["paths", "fail-on", "pss-level", "args", "upload-sarif"]:
    assert name in action["inputs"], name
assert action["inputs"]["fail-on"]["default"] == "low"
PY
then
  ok "action.yml parses as a composite action"
else
  not_ok "action.yml parses as a composite action"
fi

# A scratch repository with a good manifest, a bad one and YAML that is not
# Kubernetes at all (a CI workflow).
scratch="$work/scratch"
rm -rf "$scratch"
mkdir -p "$scratch"
cp "$root/tests/data/hardened.yaml" "$scratch/good.yaml"
cat > "$scratch/bad.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  containers:
  - name: shell
    image: busybox:1.36
    securityContext:
      privileged: true
YAML
cat > "$scratch/ci.yml" <<'YAML'
name: CI
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
    - run: make test
YAML
git -C "$scratch" init -q
git -C "$scratch" add .
git -C "$scratch" -c user.name=posture -c user.email=posture@localhost commit -q -m scratch

# try-repo prints pre-commit's own output; keep it for the assertions.
try_repo() {
  local log=$1
  shift
  local start=$SECONDS code=0
  (cd "$scratch" && "$pre_commit" try-repo "$root" posture --verbose "$@") > "$log" 2>&1 || code=$?
  echo "  (try-repo $* took $((SECONDS - start)) s, exit $code)"
  return $code
}

if try_repo "$work/bad.log" --files bad.yaml; then
  not_ok "the hook passes a privileged pod"
  cat "$work/bad.log"
elif grep -q "pss/privileged" "$work/bad.log" && grep -q "bad.yaml" "$work/bad.log"; then
  ok "the hook fails on bad.yaml and shows the finding"
else
  not_ok "the hook failed on bad.yaml without showing the pss/privileged finding"
  cat "$work/bad.log"
fi

if try_repo "$work/good.log" --files good.yaml ci.yml; then
  if grep -q "Passed" "$work/good.log"; then
    ok "the hook passes good.yaml and skips ci.yml (not Kubernetes)"
  else
    not_ok "the hook did not report Passed"
    cat "$work/good.log"
  fi
else
  not_ok "the hook fails on good.yaml or ci.yml"
  cat "$work/good.log"
fi

echo "pre-commit hook: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

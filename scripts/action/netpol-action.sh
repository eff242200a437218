#!/usr/bin/env bash
# The work of netpol's GitHub Action (action.yml), as a script so that it runs, and is
# tested, anywhere: lint the manifests into SARIF (for code scanning) and, given a base
# revision, write what the change opens and closes as Markdown (for a pull-request comment).
#
# Inputs (environment): NETPOL (the command, default netpol), INPUT_PATH (file or directory,
# default .), INPUT_LINT (true|false), INPUT_FAIL_ON (error|warning|never), INPUT_SARIF
# (default netpol.sarif), INPUT_BASE (git revision; empty: no diff), INPUT_DIFF_FILE
# (default netpol-diff.md).
# Outputs (appended to $GITHUB_OUTPUT, else printed): sarif, diff-file, changed (true|false),
# lint-status (0, or 1 when findings reach --fail-on). Exit 2 when netpol cannot read the
# input: the lint's verdict is left to the action's last step, after SARIF and comment.
set -uo pipefail
read -r -a netpol <<<"${NETPOL:-netpol}"
path=${INPUT_PATH:-.}
sarif=${INPUT_SARIF:-netpol.sarif}
diff_file=${INPUT_DIFF_FILE:-netpol-diff.md}
fail_on=${INPUT_FAIL_ON:-error}

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; else echo "$1=$2"; fi
}

case $fail_on in error | warning | never) ;; *)
  echo "::error::fail-on must be error, warning or never, not '$fail_on'"
  exit 2
  ;;
esac

lint_status=0
if [ "${INPUT_LINT:-true}" = true ]; then
  args=(lint -f "$path" -R -o sarif)
  [ "$fail_on" != never ] && args+=(--fail-on "$fail_on")
  "${netpol[@]}" "${args[@]}" >"$sarif"
  lint_status=$?
  if [ "$lint_status" -ge 2 ]; then
    echo "::error::netpol lint could not read $path (exit $lint_status)"
    exit "$lint_status"
  fi
  [ "$fail_on" = never ] && lint_status=0
  output sarif "$sarif"
fi

if [ -n "${INPUT_BASE:-}" ]; then
  "${netpol[@]}" diff "git:${INPUT_BASE}:${path}" "$path" -R -o md --exit-code >"$diff_file"
  status=$?
  case $status in
  0) changed=false ;;
  1) changed=true ;;
  *)
    echo "::error::netpol diff against ${INPUT_BASE} failed (exit $status); is the base revision fetched (actions/checkout fetch-depth: 0)?"
    exit "$status"
    ;;
  esac
  output diff-file "$diff_file"
  output changed "$changed"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$diff_file" >>"$GITHUB_STEP_SUMMARY"; fi
fi
output lint-status "$lint_status"

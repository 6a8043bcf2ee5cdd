#!/usr/bin/env bash
# CI only (the preview job of .github/workflows/infra.yml): a real `pulumi preview --diff` with the
# policy pack of each stack in $STACKS (space-separated tenant ids, platform-<region>, and their
# recovery environments <tenant>-recovery and platform-<region>-recovery, each in its production's
# off-site region: scripts/ci/stack-regions.ts), with the read-only credentials the job holds. A stack is only selected, never created: a stack that does
# not exist yet (a new tenant) is reported, and its offline plan in the plan comment is its review
# until the rollout on main creates it. `--show-secrets` stays off (Pulumi's default).
# Exit 0 when every existing stack previewed, 1 when one failed.
set -euo pipefail
cd "$(dirname "$0")/../.."

read -r -a stacks <<< "${STACKS:-}"
if [ "${#stacks[@]}" -eq 0 ]; then
  echo "preview-stacks: no stacks in STACKS" >&2
  exit 2
fi

failed=()
missing=()
named=()
for stack in "${stacks[@]}"; do
  if [[ "${stack}" =~ ^[a-z0-9][a-z0-9-]*$ ]]; then
    named+=("${stack}")
  fi
done
# Each stack's region, resolved once for all of them as `npm run preview` resolves it; a stack whose
# region is not known is not previewed (the reason is on stderr, above).
declare -A regions=()
if [ "${#named[@]}" -gt 0 ]; then
  resolved="$(npx tsx scripts/ci/stack-regions.ts "${named[@]}")" || true
  while read -r stack region; do
    [ -n "${stack}" ] && regions["${stack}"]="${region}"
  done <<< "${resolved}"
fi

for stack in "${stacks[@]}"; do
  if ! [[ "${stack}" =~ ^[a-z0-9][a-z0-9-]*$ ]]; then
    echo "::error::\"${stack}\" is not a stack name (a tenant id, platform-<region> or a recovery environment)"
    failed+=("${stack}")
    continue
  fi
  region="${regions[${stack}]:-}"
  if [ -z "${region}" ]; then
    echo "::error::${stack}: its region is not known (the reason is above); not previewed"
    failed+=("${stack}")
    continue
  fi
  echo "::group::${stack}"
  if ! selected="$(pulumi stack select "${stack}" --non-interactive 2>&1)"; then
    echo "::endgroup::"
    if [[ "${selected}" == *"no stack named"* ]]; then
      echo "::notice::${stack}: no such stack in the backend yet (a new stack); not created by a preview: the rollout on main creates it, its offline plan is in the plan comment"
      missing+=("${stack}")
    else
      echo "::error::${stack}: cannot select the stack: ${selected}"
      failed+=("${stack}")
    fi
    continue
  fi
  # Pulumi.<stack>.yaml on the runner only: the backend is not written. A region that cannot be
  # set fails this stack alone (under set -e it would end the script: no later stack, no summary).
  if ! pulumi config set aws:region "${region}" --stack "${stack}" --non-interactive \
    || ! pulumi preview --diff --policy-pack policy --stack "${stack}" --non-interactive; then
    failed+=("${stack}")
  fi
  echo "::endgroup::"
done

echo "preview-stacks: ${#stacks[@]} stack(s): $(( ${#stacks[@]} - ${#missing[@]} - ${#failed[@]} )) previewed, ${#missing[@]} new (not previewed), ${#failed[@]} failed${failed[*]:+: ${failed[*]}}"
[ "${#failed[@]}" -eq 0 ]

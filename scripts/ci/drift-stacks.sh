#!/usr/bin/env bash
# CI only (the preview job of .github/workflows/drift.yml): the weekly drift check of the stacks in
# $STACKS ("STACK:REGION ...", from `drift-report.ts stacks`), with the read-only credentials the job
# holds. Per stack: `pulumi stack select` (never --create: a stack the backend lacks is recorded as
# missing), `aws:region` set in the runner's Pulumi.<stack>.yaml only, then
# `pulumi preview --refresh --expect-no-changes --json`: the refresh happens inside the preview and
# is never saved; nothing is updated. Its stdout, stderr and exit code go to $RESULTS_DIR; then
# `drift-report.ts batch` reads them into $OUT (the batch's JSON results). The raw outputs stay on
# the runner (they hold resource state); only the results are uploaded.
# Exit 0 when the results were written (drift and failures are results), 2 on a usage mistake.
set -euo pipefail
cd "$(dirname "$0")/../.."

read -r -a entries <<< "${STACKS:-}"
if [ "${#entries[@]}" -eq 0 ] || [ -z "${OUT:-}" ] || [ -z "${BATCH:-}" ]; then
  echo "drift-stacks: STACKS, BATCH and OUT are required" >&2
  exit 2
fi
results="${RESULTS_DIR:-drift-results}"
mkdir -p "${results}"

for entry in "${entries[@]}"; do
  stack="${entry%%:*}"
  region="${entry#*:}"
  if ! [[ "${stack}" =~ ^[a-z0-9][a-z0-9-]*$ ]] || ! [[ "${region}" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]]; then
    echo "::error::\"${entry}\" is not STACK:REGION"
    continue
  fi
  echo "::group::${stack} (${region})"
  if ! selected="$(pulumi stack select "${stack}" --non-interactive 2>&1)"; then
    if [[ "${selected}" == *"no stack named"* ]]; then
      printf '%s\n' "${selected}" > "${results}/${stack}.missing"
    else
      printf '%s\n' "${selected}" > "${results}/${stack}.stderr"
      echo 1 > "${results}/${stack}.exit"
    fi
    echo "${selected}"
    echo "::endgroup::"
    continue
  fi
  code=0
  pulumi config set aws:region "${region}" --stack "${stack}" --non-interactive 2> "${results}/${stack}.stderr" || code=$?
  if [ "${code}" -eq 0 ]; then
    pulumi preview --refresh --expect-no-changes --json --stack "${stack}" --non-interactive \
      > "${results}/${stack}.json" 2> "${results}/${stack}.stderr" || code=$?
  fi
  echo "${code}" > "${results}/${stack}.exit"
  cat "${results}/${stack}.stderr"
  echo "exit ${code}"
  echo "::endgroup::"
done

npx tsx scripts/ci/drift-report.ts batch --results "${results}" --stacks "${STACKS}" --batch "${BATCH}" --out "${OUT}"

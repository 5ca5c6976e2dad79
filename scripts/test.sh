#!/usr/bin/env bash
# Every check the project has, in order, stopping at the first failure:
#   fmt, no import cycles between a crate's files, clippy, native tests, the chaos fuzzer (200 seeds x 20,000 events)
#   and bug-switch detection, wasm tests in headless Chromium, the release
#   build (trunk build --release -> dist/), the page-weight budget (what the
#   first screen loads, gzipped; scripts/size-budget.mjs), Playwright
#   end-to-end tests on dist/.
# Prints one banner per stage, a summary, and the size of the wasm bundle.
# Expects scripts/setup.sh to have run (`make test` runs it first).
# KEEP_GOING=1 runs every stage even after a failure (the exit code is still 1).
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RAFTLAB_ROOT"

export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="${WASM_BINDGEN_TEST_WEBDRIVER_JSON:-$RAFTLAB_ROOT/crates/app/webdriver.json}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"
# One build from scratch gains nothing from incremental state, which only fills the disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# A full disk fails late and strangely (ENOSPC inside a Playwright trace), so say it first.
free_kib=$(df -Pk . | awk 'NR == 2 { print $4 }')
echo "==> disk: $((free_kib / 1024 / 1024)) GiB free here; a build from scratch needs about 5 GiB"
if ((free_kib < 5 * 1024 * 1024)); then
  echo "==> warning: under 5 GiB free; stages may fail with 'no space left on device'" >&2
fi

STAGES=(
  "fmt|cargo fmt --all -- --check"
  "import cycles|for c in core sim app; do python3 scripts/import-cycles.py crates/\$c/src || exit 1; done"
  "clippy|cargo clippy --workspace --all-targets -- -D warnings"
  "native tests|cargo test --workspace"
  "chaos fuzz + bug switches|bash scripts/fuzz.sh"
  "wasm tests (headless Chromium)|cargo test -p raftlab-app --target wasm32-unknown-unknown"
  "release build|trunk build --release"
  "page weight budget|node scripts/size-budget.mjs dist"
  "e2e (Playwright)|cd web && npx --no-install playwright test"
)

RESULTS=()
FAILED=()
started_all=$SECONDS

summary() {
  echo
  echo "==> Summary"
  local line
  for line in "${RESULTS[@]}"; do echo "    $line"; done
  echo "    total: $((SECONDS - started_all)) s"
}

n=0
for stage in "${STAGES[@]}"; do
  n=$((n + 1))
  name="${stage%%|*}"
  cmd="${stage#*|}"
  echo
  echo "==> [$n/${#STAGES[@]}] $name: $cmd"
  started=$SECONDS
  if (eval "$cmd"); then
    RESULTS+=("$(printf 'PASS  %-32s %4d s' "$name" $((SECONDS - started)))")
  else
    rc=$?
    RESULTS+=("$(printf 'FAIL  %-32s %4d s  (exit %d)' "$name" $((SECONDS - started)) "$rc")")
    FAILED+=("$name: $cmd")
    if [[ "${KEEP_GOING:-0}" != 1 ]]; then
      for rest in "${STAGES[@]:n}"; do
        RESULTS+=("$(printf 'SKIP  %s' "${rest%%|*}")")
      done
      summary
      echo "==> FAILED at stage '$name'. Re-run just it with: $cmd" >&2
      echo "    (KEEP_GOING=1 make test runs the remaining stages anyway.)" >&2
      exit "$rc"
    fi
  fi
done

summary
wasm="$(ls dist/*.wasm 2>/dev/null | head -n 1 || true)"
if [[ -n "$wasm" ]]; then
  raw=$(stat -c %s "$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  printf '==> wasm bundle %s: %d KiB raw, %d KiB gzip -9\n' "${wasm#dist/}" $((raw / 1024)) $((gz / 1024))
fi
if ((${#FAILED[@]})); then
  echo "==> FAILED stages; re-run each with:" >&2
  printf '    %s\n' "${FAILED[@]}" >&2
  exit 1
fi
echo "==> All checks passed."
